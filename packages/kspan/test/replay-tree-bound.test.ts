import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateCapture, kspan, kspanCasesDir, tempDir } from './helpers.js';

// `kspan replay --format tree` holds at most max_held_spans (issue 15): below the bound the trees
// are what they were; past it every span is still drawn, once, in marked parts.

const FIXTURES = join(import.meta.dirname, 'fixtures/replay-tree');

/** A config whose debug exporter sets the tree's bound (replay takes it with `--config`). */
function boundConfig(capture: string, maxHeldSpans: number): string {
  const file = join(tempDir(), 'bound.yaml');
  writeFileSync(
    file,
    `receivers:
  k8s_capture: { path: ${capture} }
processors:
  causality: {}
exporters:
  debug: { max_held_spans: ${maxHeldSpans} }
service:
  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [debug] }
`,
  );
  return file;
}

interface Part {
  traceId: string;
  note: string;
  spans: number;
  /** Each span line without its columns (start relative to the part, duration) and tree. */
  lines: string[];
}

function parts(tree: string): Part[] {
  const result: Part[] = [];
  for (const line of tree.split('\n')) {
    const header = /^trace ([0-9a-f]{32})(?: · (part [^·]+))? · (\d+) spans? · /.exec(line);
    if (header)
      result.push({
        traceId: header[1]!,
        note: header[2] ?? '',
        spans: Number(header[3]),
        lines: [],
      });
    else if (line.trim()) result.at(-1)!.lines.push(line.slice(19).replace(/^[│├└─ ]+/, ''));
  }
  return result;
}

/** Per trace: its span lines across all its parts (sorted) and the spans its headers count. */
function byTrace(ps: Part[]): Map<string, { lines: string[]; spans: number; parts: Part[] }> {
  const m = new Map<string, { lines: string[]; spans: number; parts: Part[] }>();
  for (const p of ps) {
    const t = m.get(p.traceId) ?? { lines: [], spans: 0, parts: [] };
    t.lines.push(...p.lines);
    t.spans += p.spans;
    t.parts.push(p);
    m.set(p.traceId, t);
  }
  for (const t of m.values()) t.lines.sort();
  return m;
}

/** Replays with a bound and checks every span of the unbounded tree is drawn exactly once. */
function expectEverySpanOnce(capture: string, maxHeldSpans: number) {
  const whole = kspan(['replay', capture, '--width', '400']);
  const bounded = kspan([
    'replay',
    capture,
    '--width',
    '400',
    '--config',
    boundConfig(capture, maxHeldSpans),
  ]);
  expect(whole.status, whole.stderr).to.equal(0);
  expect(bounded.status, bounded.stderr).to.equal(0);
  const wholeParts = parts(whole.stdout);
  const boundedParts = parts(bounded.stdout);
  expect(wholeParts.every((p) => p.note === '')).to.equal(true);
  const expected = byTrace(wholeParts);
  const got = byTrace(boundedParts);
  expect([...got.keys()].sort()).to.deep.equal([...expected.keys()].sort());
  for (const [id, t] of expected) {
    expect(got.get(id)!.spans, id).to.equal(t.spans);
    expect(got.get(id)!.lines, id).to.deep.equal(t.lines);
    // Parts of one trace are numbered in drawing order; all but the first say they continue.
    got.get(id)!.parts.forEach((p, k) => {
      if (got.get(id)!.parts.length > 1)
        expect(p.note, id).to.match(new RegExp(`^part ${k + 1}\\b`));
      expect(p.note.includes('continued'), id).to.equal(k > 0);
    });
  }
  const early = boundedParts.filter((p) => p.note.includes('drawn early')).length;
  const continued = boundedParts.filter((p) => p.note.includes('continued')).length;
  return { early, continued, stderr: bounded.stderr, parts: boundedParts.length };
}

describe('kspan replay --format tree: max_held_spans', function () {
  this.timeout(60_000);
  const cases = readdirSync(kspanCasesDir()).filter((c) =>
    readdirSync(join(kspanCasesDir(), c)).includes('capture.ndjson'),
  );

  it('draws the conformance captures byte for byte as before the bound (not reached)', () => {
    expect(cases).to.have.length.greaterThan(0);
    for (const c of cases) {
      const r = kspan(['replay', join(kspanCasesDir(), c, 'capture.ndjson'), '--width', '100']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr, c).to.equal('');
      expect(r.stdout, c).to.equal(readFileSync(join(FIXTURES, `${c}.txt`), 'utf8'));
    }
  });

  it('with a bound of 2 draws every span of each conformance capture once, in marked parts', () => {
    let continued = 0;
    for (const c of cases) {
      const r = expectEverySpanOnce(join(kspanCasesDir(), c, 'capture.ndjson'), 2);
      expect(r.early, c).to.be.greaterThan(0);
      expect(r.stderr, c).to.equal(
        `kspan replay: ${r.early} trace parts drawn before the end of the input: more than 2 spans ` +
          `were held, the traces least recently added to went first; ${r.continued} parts ` +
          `continue one drawn before ("part N, continued" in their header)\n`,
      );
      continued += r.continued;
    }
    expect(continued).to.be.greaterThan(0);
  });

  it('with a bound of 50 draws every span of a generated workload once', () => {
    const capture = join(tempDir(), 'workload.ndjson');
    generateCapture(capture, ['--events', '3000', '--seed', '11']);
    const r = expectEverySpanOnce(capture, 50);
    expect(r.early).to.be.greaterThan(0);
    expect(r.stderr).to.match(new RegExp(`^kspan replay: ${r.early} trace parts drawn before`));
  });
});
