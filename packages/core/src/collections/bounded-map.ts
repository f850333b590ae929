import { Recency } from './recency.js';

interface Entry<K, V> {
  key: K;
  value: V;
  /** Recency stamp. */
  stamp: number;
}

/**
 * A Map with a size cap: setting a key makes it the newest; when full, the least recently set entry
 * is evicted (and counted). Memory is bounded whatever the input. The order is kept by `Recency`,
 * not by deleting and re-inserting Map keys, which is quadratic in V8 (see recency.ts).
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, Entry<K, V>>();
  private readonly order = new Recency<'stamp', Entry<K, V>>('stamp');
  evictions = 0;

  constructor(
    readonly capacity: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    let entry = this.map.get(key);
    if (entry) entry.value = value;
    else {
      if (this.map.size >= this.capacity) {
        const oldest = this.order.shift();
        if (oldest) {
          this.map.delete(oldest.key);
          this.evictions++;
          this.onEvict?.(oldest.key, oldest.value);
        }
      }
      entry = { key, value, stamp: 0 };
      this.map.set(key, entry);
    }
    this.order.touch(entry);
  }

  delete(key: K): boolean {
    const entry = this.map.get(key);
    if (!entry) return false;
    this.order.forget(entry);
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  /** Entries in insertion order of their keys (not recency). */
  *entries(): IterableIterator<[K, V]> {
    for (const [k, e] of this.map) yield [k, e.value];
  }
}
