import { expect } from 'chai';
import { KeyIndex } from '../src/key-index.js';

/** A small deterministic generator (the test's operations are the same on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('key index (string key → slot, in typed arrays)', () => {
  it('finds what a Map finds through inserts, removals and growth (dense clusters, churn)', () => {
    const keys: (string | undefined)[] = [];
    const index = new KeyIndex((i) => keys[i]);
    const ref = new Map<string, number>();
    const free: number[] = [];
    const rnd = lcg(7);
    const wrong: string[] = [];
    const check = (k: string) => {
      if (index.find(k) !== (ref.get(k) ?? -1)) wrong.push(k);
    };
    // A universe a little larger than the live set: most operations hit clusters of used buckets.
    for (let op = 0; op < 200_000; op++) {
      const key = `uid-${Math.floor(rnd() * 3000)}`;
      const at = ref.get(key);
      if (at === undefined && rnd() < 0.6) {
        const slot = free.pop() ?? keys.length;
        keys[slot] = key;
        index.insert(key, slot);
        ref.set(key, slot);
      } else if (at !== undefined && rnd() < 0.5) {
        index.remove(key);
        keys[at] = undefined;
        free.push(at);
        ref.delete(key);
      }
      check(key);
      if (op % 10_000 === 0) for (let k = 0; k < 3000; k++) check(`uid-${k}`);
    }
    expect(wrong).to.deep.equal([]);
    expect(index.size).to.equal(ref.size);
    expect(ref.size).to.be.above(1000); // past the first growth (1024 buckets)
  });

  it('removing a key that is not there changes nothing; clear forgets everything', () => {
    const keys = ['a', 'b'];
    const index = new KeyIndex((i) => keys[i]);
    index.insert('a', 0);
    index.insert('b', 1);
    index.remove('c');
    expect([index.find('a'), index.find('b'), index.size]).to.deep.equal([0, 1, 2]);
    index.clear();
    expect([index.find('a'), index.size]).to.deep.equal([-1, 0]);
  });
});
