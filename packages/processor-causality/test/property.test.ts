import { expect } from 'chai';
import fc from 'fast-check';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { normalizeEvent } from '../src/index.js';
import { Interner } from '../src/intern.js';
import { conformanceCases } from './helpers/conformance.js';
import { replay } from './helpers/run.js';
import { canonical, treeLines } from './helpers/tree.js';

/** The `max_time_skew` default. */
const MAX_SKEW_US = 168 * 3600 * 1e6;

const WINDOW_US = 5_000_000;

/** When an item was seen (µs): `observedAt`, else the event's own time (capture format rules). */
function observed(item: WatchEvent): number {
  const ev = normalizeEvent(item.object, item.observedAt, new Interner(), MAX_SKEW_US);
  if (typeof ev === 'string') throw new Error(`bad item in case: ${ev}`);
  return ev.obs;
}

/**
 * Splits a capture into the initial objects and chunks of events whose observation times lie within
 * one window of each other (each chunk spans less than the window), in time order.
 */
function chunks(items: readonly WatchEvent[]): { objects: WatchEvent[]; chunks: WatchEvent[][] } {
  const objects = items.filter((i) => i.object.kind !== 'Event');
  const events = items
    .filter((i) => i.object.kind === 'Event')
    .map((item, n) => ({ item, n, obs: observed(item) }))
    .sort((a, b) => a.obs - b.obs || a.n - b.n);
  const out: WatchEvent[][] = [];
  let start = -Infinity;
  for (const e of events) {
    if (e.obs - start >= WINDOW_US) {
      out.push([]);
      start = e.obs;
    }
    out[out.length - 1]!.push(e.item);
  }
  return { objects, chunks: out };
}

/** The tree as relations: span id → parent id, trace id and name. */
function relations(spans: readonly ReadableSpan[]): string[] {
  return spans
    .map(
      (s) =>
        `${s.spanContext().spanId} <- ${s.parentSpanContext?.spanId ?? '-'} ${s.spanContext().traceId} ${s.name}`,
    )
    .sort();
}

describe('property: any arrival order within the window gives the same tree', () => {
  for (const c of conformanceCases()) {
    it(`${c.name}: shuffled within windows → same spans, ids and parents`, async () => {
      const { objects, chunks: groups } = chunks(c.items);
      const baseline = await replay(c.items);
      const want = relations(baseline);
      const wantTree = canonical(treeLines(baseline));
      await fc.assert(
        fc.asyncProperty(
          fc.shuffledSubarray(objects, { minLength: objects.length }),
          fc.tuple(...groups.map((g) => fc.shuffledSubarray(g, { minLength: g.length }))),
          async (objs, shuffled) => {
            const spans = await replay([...objs, ...shuffled.flat()]);
            expect(relations(spans)).to.deep.equal(want);
            expect(canonical(treeLines(spans))).to.equal(wantTree);
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});
