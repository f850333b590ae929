import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { coreEvent, obj, uidOf } from '@kspan/testing';
import { ConfigError } from '@kspan/core';
import { causality, type CausalityOptions } from '../src/index.js';
import { replay } from './helpers/run.js';

/** The attributes of what changed (other `kspan.change.*` ones tell how the change ended). */
const DIFF_KEYS = ['kspan.change.diff', 'kspan.change.diff.count', 'kspan.change.previous'];

// Issue 11 item 3 at the processor: two generations of a Deployment, as the receiver sends them
// with status watches on (interface: top objects carry `spec`), give the second change's root the
// difference.

type Spec = Record<string, unknown>;

const spec = (replicas: number, image: string, env: Spec[] = []): Spec => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image, ...(env.length ? { env } : {}) }] },
  },
});

/** A Deployment item of generation `gen`, its spec written at `sec` (and seen then). */
function deployment(uid: string, gen: number, sec: number, s: Spec | undefined): WatchEvent {
  const w = obj('Deployment', 'web', {
    uid,
    generation: gen,
    specWriter: { manager: 'kubectl', operation: 'Update', at: sec },
    type: gen === 1 ? 'ADDED' : 'MODIFIED',
    observedAt: sec,
  });
  return s ? { ...w, object: { ...w.object, spec: s } } : w;
}

const scaled = (dep: { kind: string; name: string; uid: string }, rs: string, sec: number) =>
  coreEvent({
    on: dep,
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${rs} to 1`,
    component: 'deployment-controller',
    time: sec + 1,
    observedAt: sec + 1.05,
  });

/** Gen 1 at 0 s and gen 2 at 30 s, each followed by its controller's event. */
function rollout(spec1: Spec | undefined, spec2: Spec | undefined, withFirst = true): WatchEvent[] {
  const d1 = deployment('dep-uid-1', 1, 0, spec1);
  const dep = { kind: 'Deployment', name: 'web', uid: uidOf(d1) };
  const second = [deployment(dep.uid, 2, 30, spec2), scaled(dep, 'web-6b8c9d7f4', 30)];
  return withFirst ? [d1, scaled(dep, 'web-5d4f8b7c9', 0), ...second] : second;
}

const roots = (spans: ReadableSpan[]) =>
  spans
    .filter((s) => s.attributes['kspan.synthetic'] === true)
    .sort(
      (a, b) => Number(a.attributes['kspan.generation']) - Number(b.attributes['kspan.generation']),
    );

/** The root's `kspan.change.diff` span events (a root may have others: its status conditions). */
const diffEvents = (s: ReadableSpan) => s.events.filter((e) => e.name === 'kspan.change.diff');

const changeAttributes = (s: ReadableSpan) =>
  Object.fromEntries(Object.entries(s.attributes).filter(([k]) => DIFF_KEYS.includes(k)));

async function rootsOf(items: WatchEvent[], options: CausalityOptions = {}) {
  const r = roots(await replay(items, options));
  expect(r.map((s) => s.attributes['kspan.generation'])).to.include(2);
  return r;
}

describe('kspan.change.diff on a change’s root', () => {
  it('says what changed from generation 1 to 2, short on the root and in full as a span event', async () => {
    const [g1, g2] = await rootsOf(rollout(spec(2, 'nginx:1'), spec(3, 'nginx:2')));
    expect(changeAttributes(g1!)).to.deep.equal({});
    expect(diffEvents(g1!)).to.deep.equal([]);
    expect(changeAttributes(g2!)).to.deep.equal({
      'kspan.change.diff':
        'spec.replicas: 2 → 3; spec.template.spec.containers[web].image: nginx:1 → nginx:2',
      'kspan.change.diff.count': 2,
    });
    expect(diffEvents(g2!).map((e) => [e.name, e.time, e.attributes])).to.deep.equal([
      [
        'kspan.change.diff',
        g2!.startTime,
        {
          'spec.replicas': '2 → 3',
          'spec.template.spec.containers[web].image': 'nginx:1 → nginx:2',
        },
      ],
    ]);
  });

  it('gives each of changes in quick succession its own diff (the roots go out after the later changes arrived)', async () => {
    const d1 = deployment('dep-uid-2', 1, 0, spec(2, 'nginx:1'));
    const dep = { kind: 'Deployment', name: 'web', uid: uidOf(d1) };
    const env = [{ name: 'MODE', value: 'fast' }];
    const items = [
      d1,
      scaled(dep, 'web-5d4f8b7c9', 0),
      deployment(dep.uid, 2, 30, spec(2, 'nginx:2')),
      scaled(dep, 'web-6b8c9d7f4', 30),
      deployment(dep.uid, 3, 32, spec(3, 'nginx:2')),
      scaled(dep, 'web-6b8c9d7f4', 32),
      deployment(dep.uid, 4, 34, spec(3, 'nginx:2', env)),
      scaled(dep, 'web-7c9d8f6b5', 34),
    ];
    const r = await rootsOf(items);
    expect(r.map((s) => s.attributes['kspan.change.diff'])).to.deep.equal([
      undefined,
      'spec.template.spec.containers[web].image: nginx:1 → nginx:2',
      'spec.replicas: 2 → 3',
      'spec.template.spec.containers[web].env: (none) → [{"name":"MODE","value":"(redacted)"}]',
    ]);
  });

  it('says `kspan.change.previous: unknown` when generation 1 was never seen', async () => {
    const [g2] = await rootsOf(rollout(undefined, spec(3, 'nginx:2'), false));
    expect(changeAttributes(g2!)).to.deep.equal({ 'kspan.change.previous': 'unknown' });
    expect(diffEvents(g2!)).to.deep.equal([]);
  });

  it('redacts env values on the span as in memory: the value is in no span', async () => {
    const env = (v: string) => [{ name: 'DB_PASSWORD', value: v }];
    const spans = await replay(
      rollout(spec(1, 'a:1', env('hunter1')), spec(1, 'a:1', env('hunter2'))),
    );
    const [, g2] = roots(spans);
    expect(g2!.attributes['kspan.change.diff']).to.equal(
      'spec.template.spec.containers[web].env[DB_PASSWORD].value: (redacted) → (redacted)',
    );
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.to.include('hunter');
  });

  it('follows the config: `max_length` cuts the attribute, `kinds: []` turns the diff off', async () => {
    const items = rollout(spec(2, 'nginx:1'), spec(3, 'nginx:2'));
    const [, cut] = await rootsOf(items, { diff: { max_length: 40 } });
    expect(cut!.attributes['kspan.change.diff']).to.equal('spec.replicas: 2 → 3; … (+1 more)');
    expect(diffEvents(cut!)[0]!.attributes).to.have.keys(
      'spec.replicas',
      'spec.template.spec.containers[web].image',
    );
    const [, off] = await rootsOf(items, { diff: { kinds: [] } });
    expect(changeAttributes(off!)).to.deep.equal({});
  });

  it('adds nothing for objects without spec (metadata-only watches, old captures)', async () => {
    const [g1, g2] = await rootsOf(rollout(undefined, undefined));
    expect(changeAttributes(g1!)).to.deep.equal({});
    expect(changeAttributes(g2!)).to.deep.equal({});
    expect(diffEvents(g2!)).to.deep.equal([]);
  });
});

describe('diff config', () => {
  const problems = (options: CausalityOptions): string[] => {
    try {
      causality(options);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
      throw err;
    }
  };

  it('rejects a `redact_keys` pattern that does not compile and unknown keys, with their paths', () => {
    const bad = problems({ diff: { redact_keys: ['token', '('] } });
    expect(bad).to.have.length(1);
    expect(bad[0]).to.match(/^causality\.diff\.redact_keys\[1\]: not a regular expression/);
    expect(problems({ diff: { max_lenght: 10 } as never }).join('\n')).to.include('max_lenght');
  });

  it('takes a Go-style `(?i)` prefix (they are always case-insensitive) and [] for no keys', () => {
    expect(problems({ diff: { redact_keys: ['(?i)pass(word)?', 'token'] } })).to.deep.equal([]);
    expect(problems({ diff: { redact_keys: [] } })).to.deep.equal([]);
  });
});
