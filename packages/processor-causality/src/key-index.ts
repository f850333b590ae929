// A string key → slot (a small integer the caller keeps its values by) index in typed arrays, and a
// map on it (`SlotMap`), for the processor's biggest tables: the held events, the remembered counts,
// the object timelines. A V8 Map holds a slot of
// 28 bytes per entry of a capacity 2–4 times its size (a churning table of 100k entries: 262,144 of
// them, 7 MiB, in the heap and reallocated whole on each rehash); this holds 8 bytes per bucket of
// a capacity 1.3–2.7 times its size, outside the heap. The price is hashing the key in JavaScript
// on each lookup (a Map reuses the hash V8 keeps in the string): ~40 ns for an Event's uid.

const MIN_BUCKETS = 1024;
/** Grown (doubled) when more than this share of the buckets is used. */
const MAX_LOAD = 0.75;

/**
 * Random per process, like V8's own hash seed: keys include names users choose (object timelines),
 * and a fixed hash would let someone who can create objects pick names that all probe one run of
 * buckets. Nothing depends on a hash beyond the process (tables are never iterated by hash order).
 */
const SEED = (Math.random() * 0x100000000) | 0;

/**
 * FNV-1a over the string's UTF-16 code units two at a time (half the steps), seeded, then a final
 * mix (the index uses the low bits).
 */
export function hashKey(s: string): number {
  let h = (0x811c9dc5 ^ SEED ^ s.length) | 0;
  const n = s.length - 1;
  let i = 0;
  for (; i < n; i += 2)
    h = Math.imul(h ^ ((s.charCodeAt(i) << 16) | s.charCodeAt(i + 1)), 0x01000193);
  if (i === n) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * Open addressing with linear probing; a removal shifts the entries after it back (no tombstones,
 * so lookups never slow down with churn). Each bucket holds its slot + 1 (0: empty) and its key's
 * hash (compared before the key, and what a shift or a growth needs). Keys are read from the
 * caller by slot (`keyAt`): the index holds no strings.
 */
export class KeyIndex {
  private slots = new Int32Array(MIN_BUCKETS);
  private hashes = new Int32Array(MIN_BUCKETS);
  private used = 0;

  constructor(private readonly keyAt: (slot: number) => string | undefined) {}

  get size(): number {
    return this.used;
  }

  // `h` is `hashKey(key)`: a caller that does several things with one key hashes it once.

  /** The slot of `key`, or -1. */
  find(key: string, h = hashKey(key)): number {
    const b = this.bucketOf(key, h);
    return b < 0 ? -1 : this.slots[b]! - 1;
  }

  /** Indexes `key` (not indexed yet) at `slot`. */
  insert(key: string, slot: number, h = hashKey(key)): void {
    if (this.used + 1 > this.slots.length * MAX_LOAD) this.grow();
    this.place(h, slot + 1);
    this.used++;
  }

  /** Removes `key`, if indexed. Returns its slot, or -1. */
  remove(key: string, h = hashKey(key)): number {
    let i = this.bucketOf(key, h);
    if (i < 0) return -1;
    const slot = this.slots[i]! - 1;
    const mask = this.slots.length - 1;
    const { slots, hashes } = this;
    // Backward shift: an entry after the hole that may live there (its home is not between the
    // hole and itself, cyclically) moves into it, and its bucket becomes the hole.
    for (let j = (i + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      slots[i] = slots[j]!;
      hashes[i] = hashes[j]!;
      i = j;
    }
    slots[i] = 0;
    this.used--;
    return slot;
  }

  /** Forgets every key (the caller re-inserts what it keeps, e.g. after renumbering its slots). */
  clear(): void {
    this.slots.fill(0);
    this.used = 0;
  }

  private bucketOf(key: string, h: number): number {
    const mask = this.slots.length - 1;
    const { slots, hashes } = this;
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const v = slots[b]!;
      if (v === 0) return -1;
      if (hashes[b] === h && this.keyAt(v - 1) === key) return b;
    }
  }

  private place(h: number, value: number): void {
    const mask = this.slots.length - 1;
    let b = h & mask;
    while (this.slots[b] !== 0) b = (b + 1) & mask;
    this.slots[b] = value;
    this.hashes[b] = h;
  }

  private grow(): void {
    const { slots, hashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    for (let b = 0; b < slots.length; b++) if (slots[b] !== 0) this.place(hashes[b]!, slots[b]!);
  }
}

/**
 * A string-keyed map on a KeyIndex: keys and values in arrays by slot, a removed entry's slot
 * reused. What a `Map<string, V>` does for `get`/`set`/`delete`/`size`, without its table in the
 * heap (no iteration: the tables it replaces are never iterated).
 */
export class SlotMap<V> {
  private readonly keys: (string | undefined)[] = [];
  private readonly values: (V | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly index = new KeyIndex((i) => this.keys[i]);

  get size(): number {
    return this.index.size;
  }

  get(key: string): V | undefined {
    const i = this.index.find(key);
    return i < 0 ? undefined : this.values[i];
  }

  has(key: string): boolean {
    return this.index.find(key) >= 0;
  }

  set(key: string, value: V): void {
    const h = hashKey(key);
    const i = this.index.find(key, h);
    if (i >= 0) {
      this.values[i] = value;
      return;
    }
    const slot = this.free.pop() ?? this.keys.length;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.index.insert(key, slot, h);
  }

  delete(key: string): boolean {
    const i = this.index.remove(key);
    if (i < 0) return false;
    this.keys[i] = undefined;
    this.values[i] = undefined;
    this.free.push(i);
    return true;
  }
}
