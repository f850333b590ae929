/**
 * Touch order for LRU caps and TTL expiry. (A Map used as a queue — delete the oldest, re-insert on
 * touch — is O(n) per oldest-entry lookup in V8: iteration skips every deleted slot from the table's
 * start until it is rebuilt. That made caps and expiry quadratic under load.)
 *
 * Each touch appends the item to a queue and writes its place in the queue (1, 2, 3…, never reused)
 * into the item's own field; a queue slot whose item's field no longer names that slot is stale
 * (touched again later, or forgotten) and is skipped. The place is the stamp: no second array of
 * stamps (half the queue's memory). Amortised O(1) per operation; the queue holds at most one
 * slot per touch still in the window.
 */
export class Recency<K extends string, T extends Record<K, number>> {
  // A passed slot is cleared at once: up to half the array is passed slots before it is compacted,
  // and they must not keep forgotten items (a cache's evicted entries) alive until then.
  private items: (T | undefined)[] = [];
  /** The place of `items[0]` in the queue (the places before it were passed). */
  private base = 1;
  private head = 0;
  private live = 0;

  constructor(private readonly field: K) {}

  /** Items currently tracked. */
  get size(): number {
    return this.live;
  }

  /** Marks `item` as the most recent. */
  touch(item: T): void {
    if (!item[this.field]) this.live++;
    (item as Record<K, number>)[this.field] = this.base + this.items.length;
    this.items.push(item);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.base += this.head;
      this.head = 0;
    } else if (this.items.length - this.head > 2 * this.live + 1024) this.compact();
  }

  /**
   * Keeps only the slots still current, in order, renumbering their items. An item touched again
   * and again (an object updated on every watch event) leaves a stale slot per touch until the
   * head passes it: a queue of a few live items could otherwise hold millions. Amortised O(1): it
   * runs after at least one stale slot per live item has piled up.
   */
  private compact(): void {
    const base = this.base + this.items.length;
    let w = 0;
    for (let r = this.head; r < this.items.length; r++) {
      const item = this.items[r];
      if (item === undefined || item[this.field] !== this.base + r) continue;
      (item as Record<K, number>)[this.field] = base + w;
      this.items[w++] = item;
    }
    this.items.length = w;
    this.base = base;
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
      if (item[this.field] === this.base + this.head) return item;
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
