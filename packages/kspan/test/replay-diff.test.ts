import { expect } from 'chai';
import { join } from 'node:path';
import { REPO, kspan } from './helpers.js';

/** The attributes of what changed (other `kspan.change.*` ones tell how the change ended). */
const DIFF_KEYS = ['kspan.change.diff', 'kspan.change.diff.count', 'kspan.change.previous'];

// Issue 11 item 3 through `kspan replay`: a real capture recorded with status watches (its
// Deployment items carry `spec`; see packages/processor-causality/test/real/status/NOTES.md) —
// create, `kubectl set image`, `kubectl scale` — replays to roots that say what each change did.
const CAPTURE = join(
  REPO,
  'packages/processor-causality/test/real/status/deployment-rollout-status.ndjson',
);

type Value = { stringValue?: string; intValue?: string };
interface OtlpSpan {
  name: string;
  attributes: Array<{ key: string; value: Value }>;
  events?: Array<{ name: string; attributes: Array<{ key: string; value: Value }> }>;
}
interface OtlpLine {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

const flat = (attrs: Array<{ key: string; value: Value }>) =>
  Object.fromEntries(attrs.map((a) => [a.key, a.value.stringValue ?? a.value.intValue]));

describe('kspan replay: what changed (kspan.change.diff)', () => {
  it('gives the image change and the scale of a real rollout on their roots, in OTLP and in the tree', function () {
    this.timeout(60_000);
    const r = kspan(['replay', CAPTURE, '--format', 'otlp-json', '--strict']);
    expect(r.status, r.stderr).to.equal(0);
    const roots = r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => (JSON.parse(l) as OtlpLine).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
      .filter((s) => s.name === 'Deployment.Update')
      .map((s) => ({
        attrs: flat(s.attributes),
        events: (s.events ?? []).filter((e) => e.name === 'kspan.change.diff'),
      }))
      .sort((a, b) => Number(a.attrs['kspan.generation']) - Number(b.attrs['kspan.generation']));

    const change = (a: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(a).filter(([k]) => DIFF_KEYS.includes(k)));
    expect(roots.map((x) => [x.attrs['kspan.generation'], change(x.attrs)])).to.deep.equal([
      ['1', {}],
      [
        '2',
        {
          'kspan.change.diff':
            'spec.template.spec.containers[app].image: registry.local/app:1 → registry.local/app:2',
          'kspan.change.diff.count': '1',
        },
      ],
      ['3', { 'kspan.change.diff': 'spec.replicas: 2 → 3', 'kspan.change.diff.count': '1' }],
    ]);
    expect(roots[2]!.events.map((e) => [e.name, flat(e.attributes)])).to.deep.equal([
      ['kspan.change.diff', { 'spec.replicas': '2 → 3' }],
    ]);

    const tree = kspan(['replay', CAPTURE, '--strict', '--width', '200']);
    expect(tree.status, tree.stderr).to.equal(0);
    expect(tree.stdout).to.include('kubectl Deployment.Update  spec.replicas: 2 → 3\n');
  });
});
