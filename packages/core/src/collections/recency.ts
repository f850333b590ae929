/**
 * Touch order for LRU caps and TTL expiry. (A Map used as a queue — delete the oldest, re-insert on
 * touch — is O(n) per oldest-entry lookup in V8: iteration skips every deleted slot from the table's
 * start until it is rebuilt. That made caps and expiry quadratic under load.)
 *
 * Each touch appends (item, stamp) and writes the stamp into the item's own field; a record whose
 * stamp no longer matches the item's is stale (touched again later, or forgotten) and is skipped.
 * Amortised O(1) per operation; the queue holds at most one record per touch still in the window.
 */
export class Recency<K extends string, T extends Record<K, number>> {
  // A passed record's slot is cleared at once: up to half the array is passed records before it is
  // compacted, and they must not keep forgotten items (a cache's evicted entries) alive until then.
  private items: (T | undefined)[] = [];
  private stamps: number[] = [];
  private head = 0;
  private seq = 0;
  private live = 0;

  constructor(private readonly field: K) {}

  /** Items currently tracked. */
  get size(): number {
    return this.live;
  }

  /** Marks `item` as the most recent. */
  touch(item: T): void {
    if (!item[this.field]) this.live++;
    const stamp = ++this.seq;
    (item as Record<K, number>)[this.field] = stamp;
    this.items.push(item);
    this.stamps.push(stamp);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    } else if (this.items.length - this.head > 4 * this.live + 1024) this.compact();
  }

  /**
   * Keeps only the records still current, in order. An item touched again and again (an object
   * updated on every watch event) leaves a stale record per touch until the head passes it: a
   * queue of a few live items could otherwise hold millions. Amortised O(1): it runs after at
   * least three stale records per live item have piled up.
   */
  private compact(): void {
    let w = 0;
    for (let r = this.head; r < this.items.length; r++) {
      const item = this.items[r];
      if (item === undefined || item[this.field] !== this.stamps[r]) continue;
      this.items[w] = item;
      this.stamps[w++] = this.stamps[r]!;
    }
    this.items.length = w;
    this.stamps.length = w;
    this.head = 0;
  }

  /** Stops tracking `item` (its queue records become stale). */
  forget(item: T): void {
    if (item[this.field]) this.live--;
    (item as Record<K, number>)[this.field] = 0;
  }

  /** The least recently touched item still tracked. */
  oldest(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      if (item[this.field] === this.stamps[this.head]) return item;
      this.items[this.head++] = undefined;
    }
    return undefined;
  }

  /** Forgets and returns the least recently touched item. */
  shift(): T | undefined {
    const item = this.oldest();
    if (item !== undefined) this.forget(item);
    return item;
  }
}
