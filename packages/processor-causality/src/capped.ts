import { Recency } from '@kspan/core';

// The one size-cap loop and the one expiry loop of the package's caches: every cache evicts its
// least recently touched entries over its cap (counted) and expires its oldest entries past a TTL.

/** Evicts the oldest entries while more than `cap` are held; `evict` must remove what it is given. Returns how many. */
export function evictOverCap<T>(
  size: () => number,
  cap: number,
  oldest: () => T | undefined,
  evict: (item: T) => void,
): number {
  let n = 0;
  while (size() > cap) {
    const item = oldest();
    if (item === undefined) break;
    evict(item);
    n++;
  }
  return n;
}

/** Removes the oldest entries while `expired` holds for them; `expire` must remove what it is given. Returns how many. */
export function expireOldest<T>(
  oldest: () => T | undefined,
  expired: (item: T) => boolean,
  expire: (item: T) => void,
): number {
  let n = 0;
  for (let item = oldest(); item !== undefined && expired(item); item = oldest()) {
    expire(item);
    n++;
  }
  return n;
}

/**
 * A map whose values carry their own key and a recency stamp: the least recently set value goes
 * first when the map is over its cap (`onEvict` is told), and `expire` drops the oldest ones.
 */
export class CappedMap<V extends { stamp: number }> {
  private readonly map = new Map<string, V>();
  private readonly order = new Recency<'stamp', V>('stamp');
  private readonly oldest = () => this.order.oldest();
  private readonly count = () => this.map.size;
  private readonly evict = (v: V) => {
    this.delete(v);
    this.onEvict(v);
  };

  constructor(
    private readonly cap: number,
    private readonly keyOf: (value: V) => string,
    private readonly onEvict: (value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  /** Sets `value` (replacing one with the same key) as the most recent, then applies the cap. */
  set(value: V): void {
    const key = this.keyOf(value);
    const old = this.map.get(key);
    if (old) this.order.forget(old);
    this.map.set(key, value);
    this.order.touch(value);
    evictOverCap(this.count, this.cap, this.oldest, this.evict);
  }

  delete(value: V): void {
    this.map.delete(this.keyOf(value));
    this.order.forget(value);
  }

  /** Drops the oldest values while `expired` holds for them. Returns how many. */
  expire(expired: (value: V) => boolean): number {
    return expireOldest(this.oldest, expired, (v) => this.delete(v));
  }
}
