import { evictOverCap, expireOldest } from './capped.js';
import type { ResolvedOptions } from './config.js';
import { eventSpanId } from './ids.js';
import { SlotMap } from './key-index.js';
import { Recency } from '@kspan/core';
import { State, type EventEntry, type SpanRec, type SpanRef } from './records.js';
import { SeenTable } from './seen-table.js';
import type { Stats } from './stats.js';

/** What the store knows of an event it does not hold in full. */
export type Previous = { duplicate: true } | { duplicate: false; prev: SpanRef | undefined };

const DUPLICATE: Previous = { duplicate: true };
const UNSEEN: Previous = { duplicate: false, prev: undefined };

/**
 * The event store: recent events by key (the uid; see EventEntry.key), and the counts of those no longer held (dedupe).
 * Retention: events that can be parents (their rule names a child, or makes them a root) are kept
 * `parent_ttl`; the rest (most: the kubelet's) about three windows after their last occurrence, then
 * only their count and span ids stay (`seen`, for `dedupe_ttl`). Both are capped at `max_events`.
 */
export class EventStore {
  /** By key: a SlotMap (key-index.ts), ~30 B an entry where a Map's table was ~85 B. */
  private readonly events = new SlotMap<EventEntry>();
  private readonly causalOrder = new Recency<'stamp', EventEntry>('stamp');
  private readonly plainOrder = new Recency<'stamp', EventEntry>('stamp');
  private readonly seen: SeenTable;
  private readonly count = () => this.events.size;
  /** Over the cap, plain events go before those that can be parents. */
  private readonly oldest = () => this.plainOrder.oldest() ?? this.causalOrder.oldest();
  private readonly evict = (e: EventEntry) => {
    // Still waiting: let it out early rather than lose it.
    if (e.current.state !== State.Exported) this.release(e.current);
    this.forget(e);
  };

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly stats: Stats,
    /** Resolves and exports a span whose event is evicted before its window closed. */
    private readonly release: (span: SpanRec) => void,
  ) {
    this.seen = new SeenTable(opts.maxEvents, () => this.stats.evicted.seen++);
  }

  /** How long events that cannot be parents are kept after their last occurrence (µs). */
  static plainTtl(opts: ResolvedOptions): number {
    return 3 * opts.windowUs + 1e6;
  }

  get size(): number {
    return this.events.size;
  }

  get seenSize(): number {
    return this.seen.size;
  }

  get(key: string): EventEntry | undefined {
    return this.events.get(key);
  }

  /** For an event not held: a duplicate (its count was seen), or the last span of its earlier occurrences. */
  previous(key: string, count: number): Previous {
    const at = this.seen.find(key);
    if (at < 0) return UNSEEN;
    if (this.seen.countAt(at) >= count) return DUPLICATE;
    return { duplicate: false, prev: this.seen.refAt(at) };
  }

  /** Holds a new event, then applies the cap. */
  add(e: EventEntry): void {
    this.events.set(e.key, e);
    this.order(e).touch(e);
    this.stats.evicted.events += evictOverCap(
      this.count,
      this.opts.maxEvents,
      this.oldest,
      this.evict,
    );
  }

  /** A new occurrence at `now` (the pipeline's time): the event is kept longer. */
  touch(e: EventEntry, now: number): void {
    e.touched = now;
    this.order(e).touch(e);
  }

  /** Expires events past their retention (once their span is out) and counts past `dedupe_ttl`. */
  sweep(now: number): void {
    const ttls: [Recency<'stamp', EventEntry>, number][] = [
      [this.plainOrder, EventStore.plainTtl(this.opts)],
      [this.causalOrder, this.opts.parentTtlUs + this.opts.windowUs],
    ];
    for (const [order, ttl] of ttls) {
      this.stats.expired.events += expireOldest(
        () => order.oldest(),
        // A span held for its end (a Pod not Ready for minutes) does not keep older events.
        (e) => now - e.touched > ttl && (e.current.state === State.Exported || e.current.held),
        (e) => this.forget(e),
      );
    }
    this.stats.expired.seen += this.seen.expire(now - this.opts.dedupeTtlUs);
  }

  private order(e: EventEntry): Recency<'stamp', EventEntry> {
    return e.causal ? this.causalOrder : this.plainOrder;
  }

  /** Drops an event's full record, keeping its count and last span's ids (`seen`). */
  private forget(e: EventEntry): void {
    this.order(e).forget(e);
    this.events.delete(e.key);
    const cur = e.current;
    this.seen.set(
      e.key,
      e.maxCount,
      e.touched,
      cur.state === State.Exported || cur.held ? cur.ref(eventSpanId) : cur.prev,
    );
  }
}
