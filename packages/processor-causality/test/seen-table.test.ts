import { expect } from 'chai';
import type { SpanRef } from '../src/records.js';
import { SeenTable } from '../src/seen-table.js';

const ref = (i: number, over: Partial<SpanRef> = {}): SpanRef => ({
  traceId: `${i.toString(16).padStart(32, '0')}`,
  spanId: `f${i.toString(16).padStart(15, '0')}`,
  parentSpanId: `0a${i.toString(16).padStart(14, '0')}`,
  parentRemote: false,
  traceFlags: 1,
  isRoot: false,
  change: undefined,
  ...over,
});

describe('seen table (counts of events no longer held)', () => {
  it('gives back the count and the span ids it was given, bit for bit', () => {
    const t = new SeenTable(10, () => {});
    const r = ref(7, {
      spanId: 'ffffffff00000001',
      parentSpanId: '80000000fffffffe',
      parentRemote: true,
      isRoot: true,
      traceFlags: 0,
    });
    t.set('a', 3, 1e15, r);
    t.set('b', 1, 1e15, ref(8, { parentSpanId: '' }));
    t.set('c', 2, 1e15, undefined);
    expect(t.countOf('a')).to.equal(3);
    expect(t.ref('a')).to.deep.equal(r);
    expect(t.ref('b')?.parentSpanId).to.equal('');
    expect(t.ref('b')?.spanId).to.equal(ref(8).spanId);
    expect(t.countOf('c')).to.equal(2);
    expect(t.ref('c')).to.equal(undefined);
    expect(t.countOf('d')).to.equal(undefined);
  });

  it('over its cap drops the least recently set first (a key set again is recent), counted', () => {
    let evicted = 0;
    const t = new SeenTable(3, () => evicted++);
    for (const k of ['a', 'b', 'c']) t.set(k, 1, 0, ref(1));
    t.set('a', 2, 0, ref(1));
    t.set('d', 1, 0, ref(1));
    expect(evicted).to.equal(1);
    expect(t.countOf('b')).to.equal(undefined);
    expect(t.countOf('a')).to.equal(2);
    expect(t.size).to.equal(3);
  });

  it('expires the oldest entries by time, stopping at the first younger one', () => {
    const t = new SeenTable(100, () => {});
    t.set('a', 1, 10, undefined);
    t.set('b', 1, 30, undefined);
    t.set('c', 1, 20, undefined); // set later, older time: stays while b stays
    expect(t.expire(25)).to.equal(1);
    expect(t.countOf('a')).to.equal(undefined);
    expect(t.countOf('c')).to.equal(1);
    expect(t.expire(31)).to.equal(2);
    expect(t.size).to.equal(0);
  });

  it('agrees with a plain LRU map through growth and compaction (sets, re-sets, expiries)', () => {
    let evicted = 0;
    const t = new SeenTable(5000, () => evicted++);
    // The model: a Map in recency order (delete + set), oldest first.
    const model = new Map<string, { count: number; at: number; r: SpanRef }>();
    const set = (key: string, count: number, at: number, r: SpanRef) => {
      t.set(key, count, at, r);
      model.delete(key);
      model.set(key, { count, at, r });
      while (model.size > 5000) model.delete(model.keys().next().value!);
    };
    for (let i = 0; i < 20_000; i++) {
      set(`k${i}`, i, i, ref(i));
      if (i % 3 === 0) set(`k${i >> 1}`, i, i, ref(i >> 1, { traceFlags: i & 0xff }));
      if (i % 1000 === 999) {
        const before = i - 4000;
        let n = 0;
        for (const [k, v] of model) {
          if (v.at >= before) break;
          model.delete(k);
          n++;
        }
        expect(t.expire(before)).to.equal(n);
      }
    }
    expect(t.size).to.equal(model.size);
    expect(evicted).to.be.greaterThan(0);
    for (const [k, v] of model) {
      expect(t.countOf(k)).to.equal(v.count);
      expect(t.ref(k)).to.deep.equal(v.r);
    }
    for (let i = 0; i < 20_000; i++)
      if (!model.has(`k${i}`)) expect(t.countOf(`k${i}`)).to.equal(undefined);
  });

  it('at its cap reuses its columns: counts replaced one by one allocate no new arrays', () => {
    const t = new SeenTable(20_000, () => {});
    // Filled, then past its cap until its columns have the room they keep (1.5 times the cap).
    for (let i = 0; i < 40_000; i++) t.set(`k${i}`, 1, i, ref(i));
    const columns = () => {
      const c = t as unknown as Record<string, unknown>;
      return ['keys', 'count', 'at', 'bits', 'hashes', 'ids', 'traces'].map((k) => c[k]);
    };
    const before = columns();
    for (let i = 40_000; i < 200_000; i++) t.set(`k${i}`, 2, i, ref(i));
    columns().forEach((c, i) => expect(c, String(i)).to.equal(before[i]));
    expect(t.size).to.equal(20_000);
    expect(t.countOf('k199999')).to.equal(2);
    expect(t.ref('k180000')).to.deep.equal(ref(180_000));
    expect(t.countOf('k179999')).to.equal(undefined);
  });
});
