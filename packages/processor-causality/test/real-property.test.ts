import { expect } from 'chai';
import fc from 'fast-check';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { loadCorpus } from './real/corpus.js';
import { replay } from './helpers/run.js';
import { canonical, treeLines } from './helpers/tree.js';

// The property test's idea (property.test.ts) on the real corpus: any arrival order of the events
// within one window gives the same spans, ids and parents. A real recording interleaves object
// versions with events (generations change mid-recording), so objects keep their order and their
// window; events are shuffled within their window and interleaved with that window's objects at
// random — as two watches would deliver them.

const WINDOW_MS = 5_000;

/** Items cut into runs whose observation times lie within one window of the run's first. */
function windows(items: readonly WatchEvent[]): WatchEvent[][] {
  const out: WatchEvent[][] = [];
  let start = -Infinity;
  for (const item of items) {
    const t = item.observedAt ? Date.parse(item.observedAt) : start;
    if (!out.length || t - start >= WINDOW_MS) {
      out.push([]);
      start = t;
    }
    out[out.length - 1]!.push(item);
  }
  return out;
}

/** Merges two lists in an order given by `picks` (true: take from `a`), each list's order kept. */
function interleave<T>(a: readonly T[], b: readonly T[], picks: readonly boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (const p of picks) {
    if (p && i < a.length) out.push(a[i++]!);
    else if (j < b.length) out.push(b[j++]!);
  }
  return out.concat(a.slice(i), b.slice(j));
}

const relations = (spans: readonly ReadableSpan[]) =>
  spans
    .map(
      (s) =>
        `${s.spanContext().spanId} <- ${s.parentSpanContext?.spanId ?? '-'} ${s.spanContext().traceId} ${s.name}`,
    )
    .sort();

describe('property (real corpus): events shuffled within their window give the same tree', () => {
  for (const rec of loadCorpus()) {
    it(`${rec.name}: shuffled within windows → same spans, ids and parents`, async function () {
      this.timeout(120_000);
      const runs = windows(rec.items).map((w) => ({
        objects: w.filter((i) => i.object.kind !== 'Event'),
        events: w.filter((i) => i.object.kind === 'Event'),
      }));
      const baseline = await replay(rec.items);
      const want = relations(baseline);
      const wantTree = canonical(treeLines(baseline));
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(
            ...runs.map((r) =>
              fc.tuple(
                fc.shuffledSubarray(r.events, { minLength: r.events.length }),
                fc.array(fc.boolean(), {
                  minLength: r.events.length + r.objects.length,
                  maxLength: r.events.length + r.objects.length,
                }),
              ),
            ),
          ),
          async (shuffled) => {
            const items = shuffled.flatMap(([events, picks], n) =>
              interleave(runs[n]!.objects, events, picks),
            );
            const spans = await replay(items);
            expect(relations(spans)).to.deep.equal(want);
            expect(canonical(treeLines(spans))).to.equal(wantTree);
          },
        ),
        { numRuns: 10 },
      );
    });
  }
});
