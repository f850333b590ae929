/** The smallest queue array, and the room a grown one keeps beyond twice its current slots. */
const MIN_SLOTS = 1024;

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
 *
 * The queue's array has a fixed capacity, filled up to `end`: when it is full, the slots still
 * current move to its front in place, and only a queue that stays more than half current gets a
 * bigger array. (A queue that sliced off its passed slots and grew by `push` made a new array of
 * a megabyte or more every few thousand touches of a big table: garbage in V8's large-object space,
 * freed only by a full collection.)
 */
export class Recency<K extends string, T extends Record<K, number>> {
  // A passed slot is cleared at once: they must not keep forgotten items (a cache's evicted
  // entries) alive until the next compaction.
  private items: (T | undefined)[] = [];
  /** Slots in use: `items[head..end)`; the rest is room. */
  private end = 0;
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
    if (this.end === this.items.length) this.makeRoom();
    (item as Record<K, number>)[this.field] = this.base + this.end;
    this.items[this.end++] = item;
  }

  /**
   * Keeps only the slots still current, in order, at the front, renumbering their items; then, if
   * less than a third of the array is room, moves them to one twice their number (plus a minimum).
   * An item touched again and again (an object updated on every watch event) leaves a stale slot
   * per touch: this drops them. Amortised O(1): after it, a third of the array or more is room.
   */
  private makeRoom(): void {
    const base = this.base + this.end;
    const { items } = this;
    let w = 0;
    for (let r = this.head; r < this.end; r++) {
      const item = items[r];
      if (item === undefined || item[this.field] !== this.base + r) continue;
      (item as Record<K, number>)[this.field] = base + w;
      items[w++] = item;
    }
    items.fill(undefined, w, this.end);
    this.base = base;
    this.head = 0;
    this.end = w;
    const wanted = 2 * w + MIN_SLOTS;
    // Grown when a third of it is not room (to twice the current slots: a table that stays at one
    // size keeps its array); shrunk when a burst has passed (a service's table back to its size).
    if (items.length < 1.5 * w + MIN_SLOTS / 2 || items.length > 4 * wanted) {
      const next = new Array<T | undefined>(wanted).fill(undefined);
      for (let i = 0; i < w; i++) next[i] = items[i];
      this.items = next;
    }
  }

  /** Stops tracking `item` (its queue records become stale). */
  forget(item: T): void {
    if (item[this.field]) this.live--;
    (item as Record<K, number>)[this.field] = 0;
  }

  /** The least recently touched item still tracked. */
  oldest(): T | undefined {
    while (this.head < this.end) {
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
