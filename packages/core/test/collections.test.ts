import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BoundedMap } from '../src/collections/bounded-map.js';
import { Recency } from '../src/collections/recency.js';

describe('Recency', () => {
  it('hands items back least recently touched first, skipping forgotten and re-touched ones', () => {
    const r = new Recency<'stamp', { id: string; stamp: number }>('stamp');
    const [a, b, c] = ['a', 'b', 'c'].map((id) => ({ id, stamp: 0 }));
    r.touch(a!);
    r.touch(b!);
    r.touch(c!);
    r.touch(a!); // a is now the newest
    r.forget(b!);
    expect(r.size).to.equal(2);
    expect(r.shift()?.id).to.equal('c');
    expect(r.shift()?.id).to.equal('a');
    expect(r.shift()).to.equal(undefined);
    expect(r.size).to.equal(0);
  });

  it('keeps the order when it drops the stale records of items touched again and again', () => {
    const r = new Recency<'stamp', { id: number; stamp: number }>('stamp');
    const items = Array.from({ length: 10 }, (_, id) => ({ id, stamp: 0 }));
    // 20,000 touches of 10 items: far more stale records than the compaction lets pile up.
    for (let i = 0; i < 20_000; i++) r.touch(items[(i * 7) % 10]!);
    r.forget(items[3]!);
    const order: number[] = [];
    for (let it = r.shift(); it; it = r.shift()) order.push(it.id);
    // The last touches were of ids (i * 7) % 10 for i = 19,990…19,999: 0, 7, 4, 1, 8, 5, 2, 9, 6, 3.
    expect(order).to.deep.equal([0, 7, 4, 1, 8, 5, 2, 9, 6]);
  });

  it('keeps one array through steady churn: a table at its size allocates no new queue', () => {
    const r = new Recency<'stamp', { id: number; stamp: number }>('stamp');
    const items = Array.from({ length: 50_000 }, (_, id) => ({ id, stamp: 0 }));
    for (const it of items) r.touch(it);
    const arrayOf = () => (r as unknown as { items: unknown[] }).items;
    // A cache at its cap: the oldest goes, a new one comes, and some are touched again.
    const churn = (n: number) => {
      for (let i = 0; i < n; i++) {
        r.touch(r.shift()!);
        if (i % 3 === 0) r.touch(items[(i * 7919) % items.length]!);
      }
    };
    churn(60_000); // the queue reaches the size it keeps
    const grown = arrayOf();
    churn(500_000);
    expect(arrayOf()).to.equal(grown);
    expect(grown.length).to.be.at.most(2 * 50_000 + 1024);
    expect(r.size).to.equal(50_000);
    // Still in order: the oldest is the least recently touched.
    const seen = new Set<number>();
    for (let it = r.shift(); it; it = r.shift()) seen.add(it.id);
    expect(seen.size).to.equal(50_000);
  });

  it('does not keep an item it has handed out alive until its queue is compacted', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const r = new Recency<'stamp', { data: number[]; stamp: number }>('stamp');
    // 3000 touches; the queue is compacted once more than half of it and over 1024 are passed.
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 3000; i++) {
      const item = { data: [i], stamp: 0 };
      if (i < 10) refs.push(new WeakRef(item));
      r.touch(item);
    }
    for (let i = 0; i < 10; i++) r.shift(); // a cache evicting its 10 oldest entries
    expect(r.oldest()?.data[0]).to.equal(10);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    expect(refs.filter((w) => w.deref() !== undefined)).to.have.length(0);
  });
});

describe('BoundedMap', () => {
  it('evicts the least recently set entry at capacity', () => {
    const evicted: Array<[string, number]> = [];
    const m = new BoundedMap<string, number>(2, (k, v) => evicted.push([k, v]));
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3); // refresh a
    m.set('c', 4); // evicts b
    expect([...m.keys()].sort()).to.deep.equal(['a', 'c']);
    expect(m.get('a')).to.equal(3);
    expect(evicted).to.deep.equal([['b', 2]]);
    expect(m.evictions).to.equal(1);
  });

  it('a deleted key is not evicted later, and its slot is free again', () => {
    const evicted: string[] = [];
    const m = new BoundedMap<string, number>(2, (k) => evicted.push(k));
    m.set('a', 1);
    m.set('b', 2);
    expect(m.delete('a')).to.equal(true);
    expect(m.delete('a')).to.equal(false);
    m.set('c', 3); // fits: a's slot is free
    expect(evicted).to.deep.equal([]);
    m.set('d', 4); // evicts b, the oldest still there (not the deleted a)
    expect(evicted).to.deep.equal(['b']);
    expect(Object.fromEntries(m.entries())).to.deep.equal({ c: 3, d: 4 });
    expect(m.size).to.equal(2);
  });

  it('stays at its capacity under churn and evicts exactly what it must', () => {
    const m = new BoundedMap<number, number>(1000);
    for (let i = 0; i < 200_000; i++) {
      m.set(i, i);
      if (i % 3 === 0) m.set(i - 500, i); // re-set a recent key: it becomes the newest again
    }
    expect(m.size).to.equal(1000);
    expect(m.has(199_999)).to.equal(true);
    expect(m.evictions).to.equal(200_000 + 66_667 - 1000 - duplicateSets(200_000));
  });
});

/** How many of the `i - 500` re-sets above hit a key that was still in the map (no new entry). */
function duplicateSets(n: number): number {
  // Key i-500 (i ≥ 500, i % 3 == 0) was set at step i-500 and is 500 sets old: still present in a
  // map of 1000. For i < 500 the key is negative and new.
  let dup = 0;
  for (let i = 0; i < n; i += 3) if (i >= 500) dup++;
  return dup;
}
