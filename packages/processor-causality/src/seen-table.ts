import { halves, hex16, readSpanId } from './hex-halves.js';
import { hashKey, KeyIndex } from './key-index.js';
import type { SpanRef } from './records.js';

// The counts of events no longer held in full (dedupe): up to `max_events` of them, each kept
// `dedupe_ttl`. Column arrays, not an object per entry: an object with its own span id strings and
// a boxed time was ~300 B of heap a count; here a count is its key, ~50 B of columns and its place
// in the key index (key-index.ts: ~16 B outside the heap, where a Map's slots were ~73 B in it).

/** bit 0: parent is remote; bit 1: its change's root; bit 2: has a span; bit 3: has a parent; bits 8+: trace flags. */
const REMOTE = 1;
const ROOT = 2;
const HAS_SPAN = 4;
const HAS_PARENT = 8;

const MIN_CAPACITY = 1024;

/**
 * Keys in the order they were set (a ring of slots; a key set again leaves its old slot dead), with
 * each slot's count, time and last span's ids in typed columns. The least recently set go first,
 * over the cap and on expiry — as the map with a recency queue this replaces did.
 */
export class SeenTable {
  private keys: (string | undefined)[] = [];
  private readonly slot = new KeyIndex((i) => this.keys[i]);
  private count = new Float64Array(0);
  private at = new Float64Array(0);
  private bits = new Int32Array(0);
  /** Each key's hash (key-index.ts): the index is rebuilt from these when the slots move. */
  private hashes = new Int32Array(0);
  /** Span id and parent span id, two 32-bit halves each. */
  private ids = new Uint32Array(0);
  /** Trace ids are strings shared with the change and its other spans: no copy per count. */
  private traces: string[] = [];
  private head = 0;
  private tail = 0;

  constructor(
    private readonly cap: number,
    private readonly onEvict: () => void,
  ) {}

  get size(): number {
    return this.slot.size;
  }

  /** Where `key` is (for `countAt`, `refAt`), or -1. */
  find(key: string): number {
    return this.slot.find(key);
  }

  /** The count recorded for `key`, if any. */
  countOf(key: string): number | undefined {
    const i = this.slot.find(key);
    return i < 0 ? undefined : this.count[i];
  }

  /** The last span of `key`'s event, if it had one out. */
  ref(key: string): SpanRef | undefined {
    const i = this.slot.find(key);
    return i < 0 ? undefined : this.refAt(i);
  }

  /** The count at `find`'s place. */
  countAt(i: number): number {
    return this.count[i]!;
  }

  /** The last span at `find`'s place, if it had one out. */
  refAt(i: number): SpanRef | undefined {
    const b = this.bits[i]!;
    if (!(b & HAS_SPAN)) return undefined;
    const ids = this.ids;
    return {
      traceId: this.traces[i]!,
      spanId: hex16(ids[4 * i]!, ids[4 * i + 1]!),
      parentSpanId: b & HAS_PARENT ? hex16(ids[4 * i + 2]!, ids[4 * i + 3]!) : '',
      parentRemote: (b & REMOTE) !== 0,
      isRoot: (b & ROOT) !== 0,
      traceFlags: b >> 8,
      change: undefined,
    };
  }

  /** Records `key` as the most recent, then applies the cap. */
  set(key: string, count: number, at: number, r: SpanRef | undefined): void {
    const h = hashKey(key);
    const old = this.slot.remove(key, h);
    if (old >= 0) this.keys[old] = undefined;
    if (this.tail === this.keys.length) this.makeRoom();
    const i = this.tail++;
    this.keys[i] = key;
    this.hashes[i] = h;
    this.slot.insert(key, i, h);
    this.count[i] = count;
    this.at[i] = at;
    this.traces[i] = r?.traceId ?? '';
    let b = 0;
    if (r?.spanId) {
      b = HAS_SPAN | (r.parentRemote ? REMOTE : 0) | (r.isRoot ? ROOT : 0) | (r.traceFlags << 8);
      // Span ids as two 32-bit halves (hex-halves.ts), as the held spans keep theirs.
      readSpanId(r.spanId);
      this.ids[4 * i] = halves.hi;
      this.ids[4 * i + 1] = halves.lo;
      if (r.parentSpanId) {
        b |= HAS_PARENT;
        readSpanId(r.parentSpanId);
        this.ids[4 * i + 2] = halves.hi;
        this.ids[4 * i + 3] = halves.lo;
      }
    }
    this.bits[i] = b;
    while (this.slot.size > this.cap) {
      this.dropOldest();
      this.onEvict();
    }
  }

  /** Drops the least recently set while their time is older than `before`. Returns how many. */
  expire(before: number): number {
    let n = 0;
    for (let i = this.oldest(); i >= 0 && this.at[i]! < before; i = this.oldest()) {
      this.dropOldest();
      n++;
    }
    return n;
  }

  /** The oldest live slot (dead slots before it are passed), or -1. */
  private oldest(): number {
    while (this.head < this.tail && this.keys[this.head] === undefined) this.head++;
    return this.head < this.tail ? this.head : -1;
  }

  private dropOldest(): void {
    const i = this.oldest();
    if (i < 0) return;
    this.slot.remove(this.keys[i]!, this.hashes[i]);
    this.keys[i] = undefined;
    this.traces[i] = '';
    this.head++;
  }

  /**
   * At the end of the columns: the live slots move to their front, in place while the columns have
   * room for half as many again (a table at its cap, the common case, allocates nothing: new columns
   * each time were ~10 MB of array buffers and large-object arrays, garbage until a full
   * collection), else into new ones of that size. Each slot is copied once per that many sets:
   * amortised O(1).
   */
  private makeRoom(): void {
    const live = this.slot.size;
    const wanted = Math.max(MIN_CAPACITY, Math.ceil(live * 1.5));
    const have = this.keys.length;
    const to = have >= wanted && have <= 3 * wanted ? this.columns() : newColumns(wanted);
    let w = 0;
    for (let r = this.head; r < this.tail; r++) {
      const key = this.keys[r];
      if (key === undefined) continue;
      // In place, w <= r: a slot is read before anything is written over it.
      to.keys[w] = key;
      to.count[w] = this.count[r]!;
      to.at[w] = this.at[r]!;
      to.bits[w] = this.bits[r]!;
      to.hashes[w] = this.hashes[r]!;
      for (let k = 0; k < 4; k++) to.ids[4 * w + k] = this.ids[4 * r + k]!;
      to.traces[w++] = this.traces[r]!;
    }
    // Past the live slots no strings are held (in place: the ones just moved).
    to.keys.fill(undefined, w);
    to.traces.fill('', w);
    ({
      keys: this.keys,
      count: this.count,
      at: this.at,
      bits: this.bits,
      hashes: this.hashes,
      ids: this.ids,
      traces: this.traces,
    } = to);
    this.head = 0;
    this.tail = w;
    // The slots were renumbered: the index is rebuilt (once per that many sets, like the copy).
    this.slot.clear();
    for (let i = 0; i < w; i++) this.slot.insert(to.keys[i]!, i, to.hashes[i]);
  }

  private columns(): Columns {
    const { keys, count, at, bits, hashes, ids, traces } = this;
    return { keys, count, at, bits, hashes, ids, traces };
  }
}

/** The typed and plain columns of a seen table. */
interface Columns {
  keys: (string | undefined)[];
  count: Float64Array<ArrayBuffer>;
  at: Float64Array<ArrayBuffer>;
  bits: Int32Array<ArrayBuffer>;
  hashes: Int32Array<ArrayBuffer>;
  ids: Uint32Array<ArrayBuffer>;
  traces: string[];
}

function newColumns(capacity: number): Columns {
  return {
    keys: new Array<string | undefined>(capacity).fill(undefined),
    count: new Float64Array(capacity),
    at: new Float64Array(capacity),
    bits: new Int32Array(capacity),
    hashes: new Int32Array(capacity),
    ids: new Uint32Array(4 * capacity),
    traces: new Array<string>(capacity).fill(''),
  };
}
