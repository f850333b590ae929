import { expect } from 'chai';
import fc from 'fast-check';
import { Heap } from '@kspan/core';
import type { Change, SpanRec } from '../src/records.js';
import { earlier, Timer, Timers } from '../src/timers.js';

// What the order of timers depends on: their time, whether they are a span's, the span's first
// occurrence and event key, or the change's key.
const spanOf = (t: number, key: string) =>
  ({ first: () => ({ t }), entry: { key } }) as unknown as SpanRec;
const changeOf = (key: string) => ({ key }) as unknown as Change;
// What the order sees of a timer. Timers it cannot tell apart (same time, first occurrence and
// key: a held span's deadline and a window of the same event at the same microsecond) come out in
// no defined order, from one heap as from the runs: nothing may depend on it.
const describeTimer = (x: Timer | undefined) =>
  x === undefined
    ? 'none'
    : `${x.at}/${x.span ? `span ${x.span.first().t} ${x.span.entry.key}` : `change ${x.change!.key}`}`;

/** The order the engine had before the runs: one heap of every timer, by the same comparison. */
const heapOrder = () => new Heap<Timer>(earlier);

const op = fc.oneof(
  fc.record({
    kind: fc.constantFrom('window', 'held', 'change'),
    at: fc.integer({ min: 0, max: 40 }),
    t: fc.integer({ min: 0, max: 3 }),
    key: fc.constantFrom('a', 'b', 'c'),
  }),
  fc.constant({ kind: 'pop' as const }),
);

describe('timers (event windows, held spans, roots)', () => {
  it('pop in the order one heap of them all gives, whatever order they are pushed in', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const timers = new Timers();
        const heap = heapOrder();
        const got: string[] = [];
        const want: string[] = [];
        for (const o of ops) {
          if (o.kind === 'pop') {
            expect(describeTimer(timers.peek())).to.equal(describeTimer(heap.peek()));
            got.push(describeTimer(timers.pop()));
            want.push(describeTimer(heap.pop()));
            continue;
          }
          const t =
            o.kind === 'change'
              ? new Timer(o.at, undefined, changeOf(o.key), false)
              : new Timer(o.at, spanOf(o.t, o.key), undefined, o.kind === 'held');
          timers.push(
            t,
            o.kind === 'window' ? Timers.WINDOW : o.kind === 'held' ? Timers.HELD : undefined,
          );
          heap.push(t);
          expect(timers.size).to.equal(heap.size);
        }
        for (let x = heap.pop(); x; x = heap.pop()) want.push(describeTimer(x));
        for (let x = timers.pop(); x; x = timers.pop()) got.push(describeTimer(x));
        expect(got).to.deep.equal(want);
      }),
      { numRuns: 300 },
    );
  });

  it('timers pushed in order go to their run, not the heap; a late one still comes out first', () => {
    const timers = new Timers();
    for (let i = 1; i <= 1000; i++)
      timers.push(new Timer(i * 10, spanOf(i, 'k'), undefined, false), Timers.WINDOW);
    timers.push(new Timer(5, spanOf(0, 'late'), undefined, false), Timers.WINDOW);
    expect(timers.size).to.equal(1001);
    expect(describeTimer(timers.pop())).to.equal('5/span 0 late');
    expect(describeTimer(timers.pop())).to.equal('10/span 1 k');
  });
});
