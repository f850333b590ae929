import { evictOverCap, expireOldest } from './capped.js';
import { Recency } from '@kspan/core';
import { earliest, latest, type OccurrenceTime } from './event-order.js';
import type { Occurrence, SpanRec } from './records.js';
import { SlotMap } from './key-index.js';
import { insertAt } from './small-list.js';
import { microsWithin, wholeSeconds } from './time.js';

/** One occurrence of an event, placed on the timeline of an object it is about or names. */
export type Mark = Occurrence & { span: SpanRec };

/**
 * The list of a side without marks, shared by every timeline (an array is 32 bytes even when
 * empty). Never written: `insertAt` copies a short list, and an expired side is set back to it.
 */
const NO_MARKS: Mark[] = [];

/**
 * Per object (by kind/namespace/name): the events that named it (its possible causes) and the events
 * about it (for "a span ends when the next event on the same object starts"). Filled when items
 * arrive, so an event waiting in its window can be found as a parent before its own span is out.
 */
export class Timeline {
  /** Its lists; an empty one is `NO_MARKS` (shared: most timelines have one side only). */
  named: Mark[] = NO_MARKS;
  about: Mark[] = NO_MARKS;
  /** When each list was last touched (µs) as whole seconds and µs: a µs double is a 16-byte box. */
  private namedSec = 0;
  private namedSub = 0;
  private aboutSec = 0;
  private aboutSub = 0;
  /** Recency queue stamps (one queue per list: they expire at different ages). */
  nstamp = 0;
  astamp = 0;
  constructor(readonly key: string) {}

  /** When its `named` (else its `about`) list was last touched (µs). */
  touchedAt(named: boolean): number {
    return named ? this.namedSec * 1e6 + this.namedSub : this.aboutSec * 1e6 + this.aboutSub;
  }

  /** Its `named` (else its `about`) list is touched at `now` (µs). */
  touch(named: boolean, now: number): void {
    const sec = wholeSeconds(now);
    const sub = microsWithin(now, sec);
    if (named) {
      this.namedSec = sec;
      this.namedSub = sub;
    } else {
      this.aboutSec = sec;
      this.aboutSub = sub;
    }
  }
}

/**
 * Marks kept per list: an object with thousands of events a minute keeps its latest ones, which are
 * the ones later events look for (its causes and its next event), and memory stays bounded.
 */
const MAX_MARKS = 512;

/** How much later than its effect a cause's event may be stamped (µs); see latestNamed. */
const CAUSE_LAG_US = 2_000;

/** Sorted insert by (t, obs, event key): the order never depends on arrival order. */
function insert(tl: Timeline, side: 'named' | 'about', m: Mark, oldestObs: number): void {
  const list = tl[side];
  // Marks older than the TTL can no longer be a cause. Pruned in batches (amortised O(1)).
  if (list.length >= 64 && list[0]!.obs < oldestObs) {
    let stale = 0;
    while (stale < list.length && list[stale]!.obs < oldestObs && list[stale]!.span.done) stale++;
    if (stale * 4 >= list.length) list.splice(0, stale);
  }
  if (list.length >= 2 * MAX_MARKS) list.splice(0, list.length - MAX_MARKS);
  let i = list.length;
  while (i > 0 && before(m, list[i - 1]!)) i--;
  // Most lists stay small (a pod's kubelet events): small-list.ts.
  tl[side] = insertAt(list, i, m);
}

function before(a: Mark, b: Mark): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.obs !== b.obs) return a.obs < b.obs;
  return a.span.entry.key < b.span.entry.key;
}

/**
 * Between two causes of the same (whole-second) time, which `at` is likelier the cause of something
 * that happened by `upTo`: the later of those seen by then, else the one seen soonest after it.
 */
function closer(a: number, b: number, upTo: number): boolean {
  if (a <= upTo) return b > upTo || a > b;
  return b > upTo && a < b;
}

/** Index of the first mark with `t >= t0` (lists are sorted by t). */
export function lowerBound(list: readonly Mark[], t0: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t < t0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One list of the timelines (causes, or events about the object), for expiry. */
interface Side {
  order: { oldest(): Timeline | undefined; forget(tl: Timeline): void };
  oldest: () => Timeline | undefined;
  ttlUs: number;
  list: 'about' | 'named';
  other: 'about' | 'named';
  named: boolean;
}

/**
 * The timelines of recently active objects. `named` marks (causes) are kept `namedTtl` (parent_ttl);
 * `about` marks only serve span ends within a window or so and are kept `aboutTtl` (3 windows): most
 * events (the kubelet's) are only ever `about` marks, so they stop holding memory soon after export.
 */
export class Timelines {
  /** A SlotMap (key-index.ts): ~30 B an entry, where a Map's table was ~95 B (in the heap). */
  private readonly map = new SlotMap<Timeline>();
  private readonly namedOrder = new Recency<'nstamp', Timeline>('nstamp');
  private readonly aboutOrder = new Recency<'astamp', Timeline>('astamp');
  evicted = 0;
  expired = 0;

  /** The two lists of every timeline, each expiring on its own clock. */
  private readonly sides: readonly Side[];

  constructor(
    private readonly maxEntries: number,
    private readonly namedTtlUs: number,
    private readonly aboutTtlUs: number,
  ) {
    const side = (order: Side['order'], list: 'about' | 'named', ttlUs: number): Side => ({
      order,
      oldest: () => order.oldest(),
      ttlUs,
      list,
      other: list === 'about' ? 'named' : 'about',
      named: list === 'named',
    });
    this.sides = [
      side(this.aboutOrder, 'about', aboutTtlUs),
      side(this.namedOrder, 'named', namedTtlUs),
    ];
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): Timeline | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    const tl = this.map.get(key);
    return tl !== undefined && tl.named.length > 0;
  }

  private timeline(key: string): Timeline {
    let tl = this.map.get(key);
    if (!tl) {
      tl = new Timeline(key);
      this.map.set(key, tl);
      this.evicted += evictOverCap(this.count, this.maxEntries, this.oldest, this.drop);
    }
    return tl;
  }

  private readonly count = () => this.map.size;
  /** Over the cap, timelines with only recent `about` marks go before those holding causes. */
  private readonly oldest = () => this.aboutOrder.oldest() ?? this.namedOrder.oldest();
  private readonly drop = (tl: Timeline) => {
    this.map.delete(tl.key);
    this.namedOrder.forget(tl);
    this.aboutOrder.forget(tl);
  };

  addNamed(key: string, m: Mark, now: number): void {
    const tl = this.timeline(key);
    // Re-queued at most once a second: expiry is a second late at worst; busy objects cost nothing.
    if (now - tl.touchedAt(true) >= 1e6 || !tl.nstamp) {
      tl.touch(true, now);
      this.namedOrder.touch(tl);
    }
    insert(tl, 'named', m, now - this.namedTtlUs);
  }

  addAbout(key: string, m: Mark, now: number): void {
    const tl = this.timeline(key);
    if (now - tl.touchedAt(false) >= 1e6 || !tl.astamp) {
      tl.touch(false, now);
      this.aboutOrder.touch(tl);
    }
    insert(tl, 'about', m, now - this.aboutTtlUs);
  }

  /** Expires marks untouched for their TTL, oldest first; a timeline with none left goes. */
  sweep(now: number): void {
    for (const side of this.sides) {
      expireOldest(
        side.oldest,
        (tl) => now - tl.touchedAt(side.named) > side.ttlUs,
        (tl) => {
          side.order.forget(tl);
          tl[side.list] = NO_MARKS;
          if (tl[side.other].length === 0) this.expire(tl);
        },
      );
    }
  }

  private expire(tl: Timeline): void {
    this.drop(tl);
    this.expired++;
  }

  /** Whether an event that named `key` between `from` and `to` (µs) satisfies `test`. */
  namedWithin(key: string, from: number, to: number, test: (span: SpanRec) => boolean): boolean {
    const list = this.map.get(key)?.named;
    if (!list) return false;
    for (let i = lowerBound(list, from); i < list.length && list[i]!.t <= to; i++)
      if (test(list[i]!.span)) return true;
    return false;
  }

  /**
   * The cause of occurrence `o` of an event about the object `key`: the latest event that named it
   * and may have happened before it, no older than `minT`.
   * - Both times precise (µs): a cause may be stamped up to `CAUSE_LAG_US` after its effect (a
   *   controller records its event after its API call returns; the next one may have acted).
   * - A time in whole seconds may lie anywhere in its second (up to its observation, when that is
   *   in the same second). The latest candidate by `t` wins; among equal times, see `closer`.
   * - When nothing earlier qualifies: the object's creation if recorded up to `creationAheadUs`
   *   later (a creation precedes the object's events whatever the stamps say: client-go's
   *   aggregator records `Created pod` up to a second after the pod's own events); else the
   *   earliest event of the same second that named it (clocks of different hosts differ a little).
   * Spans being resolved are skipped, which breaks cycles a user rule could create.
   */
  latestNamed(
    key: string,
    o: OccurrenceTime,
    minT: number,
    skip: (span: SpanRec, t: number) => boolean,
    creationAheadUs = 0,
    writtenAt?: (m: Mark) => number | undefined,
  ): SpanRec | undefined {
    const list = this.map.get(key)?.named;
    if (!list) return undefined;
    const second = Math.floor(o.at / 1e6);
    const upTo = latest(o);
    let best: Mark | undefined;
    let bestT = NaN;
    let sameSecond: Mark | undefined;
    let creation: Mark | undefined;
    // Lists are sorted by `t`: the latest by `t` wins; among equal times (whole seconds), the
    // latest by `at`. A mark in whole seconds timed by the write it reports (`writtenAt`) counts
    // as precise at that time, so the scan goes on through the best one's second.
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (m.t < minT || (best && m.t < Math.floor(bestT / 1e6) * 1e6)) break;
      const w = m.coarse && writtenAt ? writtenAt(m) : undefined;
      const written = w !== undefined && (o.coarse ? w <= upTo : w <= o.t + CAUSE_LAG_US);
      const before =
        w === undefined && (m.coarse || o.coarse ? earliest(m) <= upTo : m.t <= o.t + CAUSE_LAG_US);
      const asCreation =
        !written && !before && m.span.entry.creates && earliest(m) <= upTo + creationAheadUs;
      const asSameSecond =
        !written &&
        !before &&
        Math.floor(m.at / 1e6) === second &&
        (!sameSecond || m.at <= sameSecond.at);
      // Asked only of a mark that could be the cause: `skip` resolves a modelled deletion it meets
      // (whether a controller's event voids it), which must wait for the deletion's own window —
      // a mark after the occurrence would decide it early, before the controller's event arrived.
      if (!(written || before || asCreation || asSameSecond) || skip(m.span, m.t)) continue;
      if (written) {
        if (!best || w > bestT) [best, bestT] = [m, w];
      } else if (before) {
        if (!best) [best, bestT] = [m, m.t];
        else if (m.t === best.t && bestT === best.t && closer(m.at, best.at, upTo)) best = m;
      } else {
        if (asCreation) creation = m;
        if (asSameSecond) sameSecond = m;
      }
    }
    return (best ?? creation ?? sameSecond)?.span;
  }
}
