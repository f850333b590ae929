import type { ClusterIdentity, KubeObject, WatchEvent } from '@kspan/core';
import type { Link } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { eventAttributes, rootAttributes } from './attributes.js';
import { Change, type TopInfo } from './changes.js';
import type { ResolvedOptions } from './config.js';
import { Heap } from './heap.js';
import { Recency } from './recency.js';
import { eventSpanId } from './ids.js';
import { Interner } from './intern.js';
import { normalizeEvent, objKey, type DropReason, type NormEvent } from './normalize.js';
import { OwnerGraph, type Ancestor, type ObjRecord } from './owner-graph.js';
import { RuleTable, type RuleMatch } from './rules.js';
import {
  EventEntry,
  SpanRec,
  State,
  type Occurrence,
  type ParentVia,
  type SpanRef,
} from './span-rec.js';
import { EventSpan, Resources, SAMPLED } from './span.js';
import { Stats } from './stats.js';
import { Timelines, lowerBound } from './timeline.js';
import { parseTime, toHrTime } from './time.js';

/**
 * An event no longer held in full: its count (a re-delivery is no new span) and its last span's ids
 * (a later repeat links to it and stays in its trace). Flat: there may be many of these.
 */
interface Seen {
  uid: string;
  count: number;
  at: number;
  stamp: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** bit 0: parent is remote; bit 1: the span was its change's root; bits 8+: trace flags. */
  bits: number;
}

const toSeen = (uid: string, count: number, at: number, r: SpanRef | undefined): Seen => ({
  uid,
  count,
  at,
  stamp: 0,
  traceId: r?.traceId ?? '',
  spanId: r?.spanId ?? '',
  parentSpanId: r?.parentSpanId ?? '',
  bits: r ? (r.parentRemote ? 1 : 0) | (r.isRoot ? 2 : 0) | (r.traceFlags << 8) : 0,
});

const fromSeen = (s: Seen): SpanRef | undefined =>
  s.spanId
    ? {
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        parentRemote: (s.bits & 1) !== 0,
        isRoot: (s.bits & 2) !== 0,
        traceFlags: s.bits >> 8,
        change: undefined,
      }
    : undefined;

interface Closed {
  slot: string;
  stamp: number;
}

/** A timer in the pending queue: an event span's window closing, or a change's root falling due. */
interface Timer {
  at: number;
  span: SpanRec | undefined;
  change: Change | undefined;
}

/** Timer order: time, then event windows before roots, then event time and uid — never arrival order. */
function earlier(a: Timer, b: Timer): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (!a.span !== !b.span) return a.span !== undefined;
  if (a.span && b.span) {
    const x = a.span.first();
    const y = b.span.first();
    if (x.t !== y.t) return x.t < y.t;
    return a.span.entry.ev.uid < b.span.entry.ev.uid;
  }
  return (a.change?.key ?? '') < (b.change?.key ?? '');
}

const SWEEP_EVERY_US = 1_000_000;
// Shared by every span without links or span events (most): exporters only read them.
const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];

/**
 * The causality engine, free of RxJS: items go in (`push`), time moves on (`advance`), the end of
 * input resolves everything (`flush`); finished spans come out through `emit`.
 *
 * Time is a watermark in the items' own time base: the latest `observedAt` (or event time) seen,
 * plus the clock time that passed since. An event's span goes out when the watermark passes its
 * observation time plus `window`; by then its causes, even those that arrived after it, are known.
 */
export class CausalityEngine {
  readonly stats = new Stats();
  private readonly interner = new Interner();
  private readonly graph: OwnerGraph;
  private readonly timelines: Timelines;
  private readonly rules: RuleTable;
  private readonly resources: Resources;
  /**
   * Recent events by uid. Retention: events that can be parents (their rule names a child, or makes
   * them a root) are kept `parent_ttl`; the rest (most: the kubelet's) about three windows, then
   * only their count and span ids stay, in `seen`.
   */
  private readonly events = new Map<string, EventEntry>();
  private readonly causalOrder = new Recency<'stamp', EventEntry>('stamp');
  private readonly plainOrder = new Recency<'stamp', EventEntry>('stamp');
  /** Occurrence counts of events no longer held, so a re-delivered event is no new span. */
  private readonly seen = new Map<string, Seen>();
  private readonly seenOrder = new Recency<'stamp', Seen>('stamp');
  /** Changes in progress, by slot (`<uid>/<generation>`, or a CronJob run). */
  private readonly changes = new Map<string, Change>();
  private readonly changeOrder = new Recency<'stamp', Change>('stamp');
  /** Slots whose change was closed: the next activity on them is a new trace. */
  private readonly closedSlots = new Map<string, Closed>();
  private readonly closedOrder = new Recency<'stamp', Closed>('stamp');
  private readonly heap = new Heap<Timer>(earlier);
  private pending = 0;
  private maxObs = -Infinity;
  private wallAtMax = 0;
  /** The engine's own time (µs): follows the watermark, never goes back. */
  private now = -Infinity;
  private lastSweep = -Infinity;
  private readonly hasEvidence = (key: string) => this.timelines.has(key);

  constructor(
    private readonly opts: ResolvedOptions,
    /** Milliseconds of the pipeline's clock (never Date.now()). */
    private readonly clockMs: () => number,
    private readonly emit: (span: EventSpan) => void,
  ) {
    this.graph = new OwnerGraph(
      {
        maxObjects: opts.maxObjects,
        tombstoneTtlUs: opts.tombstoneTtlUs,
        traceparentAnnotation: opts.traceparentAnnotation,
      },
      this.interner,
    );
    this.timelines = new Timelines(
      opts.maxEvents,
      opts.parentTtlUs + opts.windowUs,
      this.plainTtl(),
    );
    this.rules = new RuleTable(opts.rules);
    this.resources = new Resources(opts.serviceName);
  }

  /** How long events that cannot be parents are kept after their last occurrence (µs). */
  private plainTtl(): number {
    return 3 * this.opts.windowUs + 1e6;
  }

  private order(e: EventEntry): Recency<'stamp', EventEntry> {
    return e.causal ? this.causalOrder : this.plainOrder;
  }

  /** Whether anything is held (the operator only ticks while there is). */
  get holding(): boolean {
    return this.heap.size > 0;
  }

  /** Entries held per cache, for the state gauge. */
  sizes(): Record<string, number> {
    return {
      objects: this.graph.size,
      pending: this.pending,
      events: this.events.size,
      timelines: this.timelines.size,
      traces: this.changes.size,
      seen: this.seen.size,
    };
  }

  graphCounters(): { evicted: number; expired: number; ignoredTraceparent: number } {
    return this.graph.counters;
  }

  timelineCounters(): { evicted: number; expired: number } {
    return { evicted: this.timelines.evicted, expired: this.timelines.expired };
  }

  /** The watermark (µs): the latest observation seen plus the clock time elapsed since. */
  watermark(): number {
    if (this.maxObs === -Infinity) return -Infinity;
    return this.maxObs + (this.clockMs() - this.wallAtMax) * 1000;
  }

  // ---------------------------------------------------------------- input

  /** Takes one item. Bad input is dropped and counted, never thrown. */
  push(item: unknown): void {
    const drop = this.dropReason(item);
    if (drop) {
      this.stats.drop(drop, item);
      return;
    }
    const w = item as WatchEvent;
    if (w.object.kind === 'Event') this.onEvent(w);
    else this.onObject(w);
    this.advance();
  }

  private dropReason(item: unknown): DropReason | undefined {
    if (typeof item !== 'object' || item === null) return 'not_an_object';
    const w = item as Partial<WatchEvent>;
    const o = w.object as KubeObject | undefined;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'not_an_object';
    if (w.type !== 'ADDED' && w.type !== 'MODIFIED' && w.type !== 'DELETED') return 'not_an_object';
    return undefined;
  }

  private observe(obsUs: number): void {
    if (obsUs > this.maxObs) {
      this.maxObs = obsUs;
      this.wallAtMax = this.clockMs();
    }
  }

  private onObject(w: WatchEvent): void {
    let obs: number | undefined;
    if (w.observedAt !== undefined) {
      const p = parseTime(w.observedAt);
      if (!p) return this.stats.drop('bad_time', w);
      obs = p.us;
      this.observe(obs);
      this.advance();
    }
    if (!this.graph.apply(w.type, w.object, this.nowUs(), obs))
      return this.stats.drop('bad_object', w);
    this.stats.objects++;
  }

  /** The engine's time for bookkeeping; -Infinity before any item carried a time. */
  private nowUs(): number {
    return Math.max(this.now, this.watermark());
  }

  private onEvent(w: WatchEvent): void {
    // The API server deleting an event (its TTL) is not something that happened in the cluster.
    if (w.type === 'DELETED') {
      this.stats.eventsDeleted++;
      return;
    }
    const ev = normalizeEvent(w.object, w.observedAt, this.interner, this.opts.maxTimeSkewUs);
    if (typeof ev === 'string') return this.stats.drop(ev, w);
    if (w.cluster) ev.cluster = w.cluster;
    this.observe(ev.obs);
    // Windows that closed before this item was seen close first: it cannot join those spans.
    this.advance();
    const now = this.nowUs();
    const occ: Occurrence = {
      count: ev.count,
      t: ev.t,
      coarse: ev.coarse,
      obs: ev.obs,
      message: ev.message,
    };

    let entry = this.events.get(ev.uid);
    if (!entry) {
      const seen = this.seen.get(ev.uid);
      if (seen && seen.count >= ev.count) {
        this.stats.duplicates++;
        return;
      }
      const match = this.rules.match(ev);
      const child = match?.child;
      // A repeat of an event no longer held in full: a follow-on of its last span.
      const prev = seen ? fromSeen(seen) : undefined;
      entry = new EventEntry(
        ev,
        match,
        objKey(ev.regarding.kind, ev.regarding.namespace, ev.regarding.name),
        child ? objKey(child.kind, child.namespace, child.name) : '',
        now,
        prev,
      );
      this.events.set(ev.uid, entry);
      this.order(entry).touch(entry);
      this.addOccurrence(entry, entry.current, occ, now);
      this.schedule(entry.current, ev.obs);
      if (prev) {
        this.stats.occurrences++;
        this.stats.followOns++;
      } else this.stats.newEvents++;
      this.capEvents();
      return;
    }

    if (ev.count <= entry.maxCount) {
      // A re-delivery (relist, resync, a MODIFIED that changed no count) — or, in a shuffled
      // replay, an earlier occurrence arriving late while its span still waits.
      const cur = entry.current;
      if (
        ev.count < entry.maxCount &&
        cur.state !== State.Exported &&
        !cur.occ.some((o) => o.count === ev.count)
      ) {
        this.addOccurrence(entry, cur, occ, now);
        this.stats.occurrences++;
      } else this.stats.duplicates++;
      return;
    }
    entry.maxCount = ev.count;
    entry.touched = now;
    this.order(entry).touch(entry);
    if (entry.current.state !== State.Exported) {
      // Its window is still open: one more occurrence on the same span (a span event).
      this.addOccurrence(entry, entry.current, occ, now);
    } else {
      // Already exported: a follow-on span, same parent and trace, linked to the previous one.
      const follow = new SpanRec(entry, entry.current.ref(eventSpanId));
      entry.current = follow;
      this.addOccurrence(entry, follow, occ, now);
      this.schedule(follow, ev.obs);
      this.stats.followOns++;
    }
    this.stats.occurrences++;
  }

  private addOccurrence(entry: EventEntry, span: SpanRec, o: Occurrence, now: number): void {
    span.add(o);
    const mark = { t: o.t, coarse: o.coarse, obs: o.obs, span };
    this.timelines.addAbout(entry.objKey, mark, now);
    if (entry.childKey) this.timelines.addNamed(entry.childKey, mark, now);
  }

  private schedule(span: SpanRec, obs: number): void {
    span.releaseAt = obs + this.opts.windowUs;
    this.heap.push({ at: span.releaseAt, span, change: undefined });
    this.pending++;
    // Too much waiting (a flood): release the oldest now rather than grow without bound.
    while (this.pending > this.opts.maxPendingEvents) {
      const t = this.heap.pop();
      if (!t) break;
      if (t.span) this.stats.evicted.pending++;
      this.fire(t);
    }
  }

  private capEvents(): void {
    while (this.events.size > this.opts.maxEvents) {
      const oldest = this.plainOrder.oldest() ?? this.causalOrder.oldest();
      if (!oldest) break;
      if (oldest.current.state !== State.Exported) {
        // Still waiting: let it out early rather than lose it.
        this.resolve(oldest.current);
        this.export(oldest.current);
      }
      this.forget(oldest);
      this.stats.evicted.events++;
    }
  }

  /** Drops an event's full record, keeping its count and last span's ids (`seen`). */
  private forget(e: EventEntry): void {
    const uid = e.ev.uid;
    this.order(e).forget(e);
    this.events.delete(uid);
    const old = this.seen.get(uid);
    if (old) this.seenOrder.forget(old);
    const cur = e.current;
    const seen = toSeen(
      uid,
      e.maxCount,
      e.touched,
      cur.state === State.Exported ? cur.ref(eventSpanId) : cur.prev,
    );
    this.seen.set(uid, seen);
    this.seenOrder.touch(seen);
    while (this.seen.size > this.opts.maxEvents) {
      const oldest = this.seenOrder.shift();
      if (!oldest) break;
      this.seen.delete(oldest.uid);
      this.stats.evicted.seen++;
    }
  }

  // ---------------------------------------------------------------- time

  /** Releases everything whose time has come. */
  advance(): void {
    const wm = this.watermark();
    for (let t = this.heap.peek(); t && t.at <= wm; t = this.heap.peek()) {
      this.heap.pop();
      if (t.at > this.now) this.now = t.at;
      this.fire(t);
    }
    if (wm > this.now) this.now = wm;
    if (this.now - this.lastSweep >= SWEEP_EVERY_US) this.sweep();
  }

  /** End of input: everything held is resolved with what is known, and goes out. */
  flush(): void {
    for (let t = this.heap.pop(); t; t = this.heap.pop()) {
      if (t.at > this.now) this.now = t.at;
      this.fire(t);
    }
  }

  private fire(t: Timer): void {
    const s = t.span;
    if (s) {
      this.pending--;
      s.released = true;
      this.resolve(s);
      // A top-level event that took its change's root waits, like a synthesised root, until the
      // change is quiet, so that it spans its children; the change's root timer lets it out.
      if (s.isRoot && s.change && !s.change.rootEmitted) return;
      this.export(s);
    } else if (t.change) this.rootDue(t.change, t.at);
  }

  private sweep(): void {
    this.lastSweep = this.now;
    const now = this.now;
    this.graph.sweep(now);
    this.timelines.sweep(now);
    const ttls: [Recency<'stamp', EventEntry>, number][] = [
      [this.plainOrder, this.plainTtl()],
      [this.causalOrder, this.opts.parentTtlUs + this.opts.windowUs],
    ];
    for (const [order, ttl] of ttls) {
      for (let e = order.oldest(); e && now - e.touched > ttl; e = order.oldest()) {
        if (e.current.state !== State.Exported) break;
        this.forget(e);
        this.stats.expired.events++;
      }
    }
    for (
      let s = this.seenOrder.oldest();
      s && now - s.at > this.opts.dedupeTtlUs;
      s = this.seenOrder.oldest()
    ) {
      this.seenOrder.forget(s);
      this.seen.delete(s.uid);
      this.stats.expired.seen++;
    }
    // Changes are few (those in progress): a full pass is cheap.
    for (const c of this.changes.values()) {
      if (c.rootEmitted && now - c.lastAttach > this.opts.traceIdleUs) this.closeChange(c);
    }
  }

  private closeChange(c: Change): void {
    this.changes.delete(c.slot);
    this.changeOrder.forget(c);
    const old = this.closedSlots.get(c.slot);
    if (old) this.closedOrder.forget(old);
    const closed: Closed = { slot: c.slot, stamp: 0 };
    this.closedSlots.set(c.slot, closed);
    this.closedOrder.touch(closed);
    while (this.closedSlots.size > this.opts.maxTraces) {
      const oldest = this.closedOrder.shift();
      if (!oldest) break;
      this.closedSlots.delete(oldest.slot);
    }
    this.stats.expired.traces++;
  }

  // ---------------------------------------------------------------- causality

  /**
   * Finds a span's parent (once; a child may ask before the span's own window closes):
   * 1. a top-level event (rule `root`) takes its change's root, if still free;
   * 2. the latest event that named this object (rule `child`), no later than this event;
   * 3. up the owner chain, the latest event that named an owner;
   * 4. the change's root: a top-level event, or one synthesised from the top object's spec writer.
   */
  private resolve(s: SpanRec): void {
    if (s.state !== State.Pending) return;
    s.state = State.Resolving;
    if (s.prev && !this.movedOn(s)) this.resolveFollowOn(s);
    else this.resolveFirst(s);
    s.state = State.Resolved;
    const start = s.first().t;
    const end = s.last().t;
    s.change?.attach(this.now, start, end);
    this.stats.parents[s.via]++;
  }

  private resolveFollowOn(s: SpanRec): void {
    const prev = s.prev!;
    // Same trace and parent as the first span; a follow-on of a root hangs under that root.
    s.change = prev.change;
    s.traceId = prev.traceId;
    s.traceFlags = prev.traceFlags;
    if (prev.isRoot) s.parentSpanId = prev.spanId;
    else {
      s.parentSpanId = prev.parentSpanId;
      s.parentRemote = prev.parentRemote;
    }
    s.via = 'repeat';
  }

  private resolveFirst(s: SpanRec): void {
    const e = s.entry.ev;
    const m = s.entry.match;
    const o = s.first();
    const r = e.regarding;
    const chain = this.graph.chain(r.kind, r.namespace, r.name, r.uid, this.hasEvidence);
    s.chain = chain;

    if (m?.rule.root) {
      const change = this.changeFor(e, m, chain, o.t);
      if (!change.rootSpan && !change.rootEmitted) {
        change.rootSpan = s;
        s.isRoot = true;
        s.change = change;
        s.traceId = change.traceId;
        if (change.remote) {
          s.parentSpanId = change.remote.spanId;
          s.parentRemote = true;
          s.traceFlags = change.remote.traceFlags;
          s.via = 'traceparent';
        } else s.via = 'none';
        return;
      }
    }

    const [parent, via] = this.namedCause(s, chain);
    if (parent) {
      this.resolve(parent);
      s.parent = parent;
      s.change = parent.change;
      s.traceId = parent.traceId;
      s.traceFlags = parent.traceFlags;
      s.parentSpanId = parent.spanId(eventSpanId);
      s.via = via;
      return;
    }
    const change = this.changeFor(e, m, chain, o.t);
    s.change = change;
    s.traceId = change.traceId;
    s.parentSpanId = change.rootSpanId;
    s.parent = change.rootSpan;
    s.traceFlags = change.remote?.traceFlags ?? SAMPLED;
    s.via = 'root';
  }

  /** The latest event that named this span's object, else one of its owners (steps 2 and 3). */
  private namedCause(s: SpanRec, chain: readonly Ancestor[]): [SpanRec | undefined, ParentVia] {
    const o = s.first();
    const skip = (p: SpanRec) => p.entry === s.entry || p.state === State.Resolving;
    const minT = o.t - this.opts.parentTtlUs;
    const parent = this.timelines.latestNamed(s.entry.objKey, o.t, o.coarse, minT, skip);
    if (parent || this.namesRun(s.entry.ev, s.entry.match)) return [parent, 'named'];
    for (const a of chain) {
      const p = this.timelines.latestNamed(a.key, o.t, o.coarse, minT, skip);
      if (p) return [p, 'owner'];
    }
    return [undefined, 'root'];
  }

  /**
   * Whether a repeat happened in a newer change (generation) of its top object than its previous
   * span's: Kubernetes folds an event with the same text into one Event (a StatefulSet's
   * `create Pod db-1 …` at creation and again in a rolling update). Such an occurrence is resolved
   * as a first span — in the newer change's trace, linked to the previous span — so the events it
   * causes (the new pod's) land there too.
   */
  private movedOn(s: SpanRec): boolean {
    const prev = s.prev!;
    const e = s.entry.ev;
    if (prev.isRoot || this.namesRun(e, s.entry.match)) return false;
    const r = e.regarding;
    const chain = this.graph.chain(r.kind, r.namespace, r.name, r.uid, this.hasEvidence);
    const [cause] = this.namedCause(s, chain);
    if (cause) {
      this.resolve(cause);
      return cause.traceId !== prev.traceId && newer(cause.change, prev.change);
    }
    // No event caused it: its top object's change at the occurrence's time.
    let below: Ancestor | undefined;
    let top: { key: string; uid: string; record: ObjRecord | undefined } = {
      key: s.entry.objKey,
      uid: r.uid,
      record: this.graph.lookup(r.uid, s.entry.objKey),
    };
    for (const a of chain) {
      if (this.rules.isRun(a.kind, below?.kind ?? r.kind)) return false;
      below = a;
      top = a;
    }
    const rec = top.record ?? this.graph.lookup(top.uid, top.key);
    if (!rec) return false;
    const g = rec.generationAt(s.first().t);
    if (prev.change) return prev.change.top.uid === rec.uid && g > prev.change.top.generation;
    // The previous span's change is gone (its record too): only a change in progress counts.
    const active = this.changes.get(`${rec.uid || top.key}/${g}`);
    return active !== undefined && active.traceId !== prev.traceId;
  }

  /** Whether the event names a child that is a change of its own (a CronJob's job). */
  private namesRun(e: NormEvent, m: RuleMatch | undefined): boolean {
    return m?.child !== undefined && this.rules.isRun(e.regarding.kind, m.child.kind);
  }

  /** The change an event belongs to when no event caused it: its top object's, or a run's. */
  private changeFor(
    e: NormEvent,
    m: RuleMatch | undefined,
    chain: readonly Ancestor[],
    t: number,
  ): Change {
    const r = e.regarding;
    const child = m?.child;
    const self: Ancestor = {
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      key: objKey(r.kind, r.namespace, r.name),
      uid: r.uid,
      record: this.graph.lookup(r.uid, objKey(r.kind, r.namespace, r.name)),
      via: 'graph',
    };
    if (child && this.rules.isRun(r.kind, child.kind)) {
      const key = objKey(child.kind, child.namespace, child.name);
      return this.runChange(e.cluster, self, {
        ...child,
        key,
        uid: '',
        record: this.graph.byKeyOnly(key),
        via: 'name',
      });
    }
    let below = self;
    for (const a of chain) {
      if (this.rules.isRun(a.kind, below.kind)) return this.runChange(e.cluster, a, below);
      below = a;
    }
    return this.topChange(e.cluster, below, t);
  }

  /** A change of a top object: its generation at `t`; a burst long after the spec change is new. */
  private topChange(cluster: ClusterIdentity | undefined, top: Ancestor, t: number): Change {
    const rec = top.record ?? this.graph.lookup(top.uid, top.key);
    const uid = rec?.uid || top.uid;
    const generation = rec ? rec.generationAt(t) : 0;
    const slot = `${uid || top.key}/${generation}`;
    const active = this.changes.get(slot);
    if (active) return active;
    const late =
      rec !== undefined && !Number.isNaN(rec.specTime) && t - rec.specTime > this.opts.traceIdleUs;
    const key = late || this.closedSlots.has(slot) ? `${slot}@${Math.floor(t / 1e6)}` : slot;
    // A traceparent annotation speaks for the object's current generation only.
    const remote = rec && generation === rec.generation ? rec.traceparent : undefined;
    return this.newChange(slot, key, topInfo(top, rec, generation), remote, cluster);
  }

  /** One run of a CronJob (or any `root` + `child` rule): its own trace, keyed by owner and child. */
  private runChange(
    cluster: ClusterIdentity | undefined,
    owner: Ancestor,
    child: Ancestor,
  ): Change {
    const ownerRec = owner.record ?? this.graph.lookup(owner.uid, owner.key);
    const slot = `${ownerRec?.uid || owner.uid || owner.key}/run/${child.kind}/${child.name}`;
    const active = this.changes.get(slot);
    if (active) return active;
    const rec = child.record ?? this.graph.byKeyOnly(child.key);
    const top = topInfo(child, rec, rec?.generation ?? 0);
    return this.newChange(slot, slot, top, undefined, cluster);
  }

  private newChange(
    slot: string,
    key: string,
    top: TopInfo,
    remote: Change['remote'],
    cluster: ClusterIdentity | undefined,
  ): Change {
    const c = new Change(slot, key, top, remote, cluster);
    this.changes.set(slot, c);
    this.changeOrder.touch(c);
    this.heap.push({ at: this.now + this.opts.windowUs, span: undefined, change: c });
    this.stats.traces++;
    while (this.changes.size > this.opts.maxTraces) {
      const old = this.changeOrder.shift();
      if (!old) break;
      // Its root goes out now rather than never (a claimed root event goes out at its release).
      if (!old.rootEmitted && !old.rootSpan) this.emitRoot(old);
      this.changes.delete(old.slot);
      this.stats.evicted.traces++;
    }
    return c;
  }

  /**
   * A synthesised root falls due once its change has been quiet for `root_idle` (at least `window`,
   * so a late top-level event can still claim the root), at the latest `max_root_delay` after the
   * change began. A synthesised root is an instant (see emitRoot).
   */
  private rootDue(c: Change, at: number): void {
    if (c.rootEmitted) return;
    const r = c.rootSpan;
    const idle = Math.max(this.opts.rootIdleUs, this.opts.windowUs);
    let due = Math.max(
      c.firstAttach + this.opts.windowUs,
      Math.min(c.lastAttach + idle, c.firstAttach + this.opts.maxRootDelayUs),
    );
    // A root event claimed early (by a child) still gets its own full window for repeats.
    if (r && !r.released) due = Math.max(due, r.releaseAt);
    if (due > at) {
      this.heap.push({ at: due, span: undefined, change: c });
      return;
    }
    if (r) this.export(r);
    else this.emitRoot(c);
  }

  private emitRoot(c: Change): void {
    const top = c.top;
    let start = Number.isFinite(c.minStart) ? c.minStart : this.now;
    // The spec write is the change's real start, when it is recent enough to be this change's.
    if (
      !Number.isNaN(top.specTime) &&
      top.specTime <= start &&
      start - top.specTime <= this.opts.maxRootDelayUs
    )
      start = top.specTime;
    // The root is the spec write itself: an instant. Its end does not depend on how much of the
    // change this process saw before the root went out (a process stopped half-way through a
    // rollout, and the one started after it, emit the same root span).
    const end = start;
    c.rootEmitted = true;
    c.rootStartUs = start;
    this.emit(
      new EventSpan({
        name: `${top.kind}.${top.operation || 'Change'}`,
        traceId: c.traceId,
        spanId: c.rootSpanId,
        parentSpanId: c.remote?.spanId ?? '',
        parentRemote: c.remote !== undefined,
        traceFlags: c.remote?.traceFlags ?? SAMPLED,
        startUs: start,
        endUs: end,
        error: undefined,
        attributes: rootAttributes(c),
        links: [],
        events: [],
        resource: this.resources.for(top.manager || 'unknown', c.cluster),
      }),
    );
    this.stats.spans.root++;
  }

  // ---------------------------------------------------------------- output

  private export(s: SpanRec): void {
    if (s.state === State.Exported) return;
    const entry = s.entry;
    const e = entry.ev;
    const last = s.last();
    let [start, end] = this.extent(s);
    const c = s.change;
    if (s.isRoot && c) {
      start = Math.min(start, c.minStart);
      end = Math.max(end, c.maxEnd);
    }
    // A child never starts before its parent (the parent's start is its first occurrence, known
    // whether or not it is out yet, so this does not depend on arrival).
    const parentStart = s.parent
      ? s.parent.state === State.Exported
        ? s.parent.startUs
        : s.parent.first().t
      : c && !s.isRoot && c.rootEmitted
        ? c.rootStartUs
        : NaN;
    if (!Number.isNaN(parentStart) && start < parentStart) start = parentStart;
    if (end < start) end = start;

    s.startUs = start;
    s.state = State.Exported;
    if (s.isRoot && c) {
      c.rootEmitted = true;
      c.rootStartUs = start;
    }

    const links: Link[] = s.prev || entry.ev.related ? [] : NO_LINKS;
    if (s.prev)
      links.push({
        context: { traceId: s.prev.traceId, spanId: s.prev.spanId, traceFlags: s.prev.traceFlags },
        attributes: { 'kspan.link': 'previous_occurrences' },
      });
    const related = this.relatedLink(s);
    if (related) links.push(related);

    const events: TimedEvent[] =
      s.occ.length > 1 || s.prev
        ? s.occ.map((o) => ({
            name: 'occurrence',
            time: toHrTime(o.t),
            attributes:
              o.message !== last.message
                ? { 'k8s.event.count': o.count, 'k8s.event.message': o.message }
                : { 'k8s.event.count': o.count },
          }))
        : NO_EVENTS;

    const chain =
      s.chain ??
      this.graph.chain(
        e.regarding.kind,
        e.regarding.namespace,
        e.regarding.name,
        e.regarding.uid,
        this.hasEvidence,
      );
    s.chain = undefined;
    this.emit(
      new EventSpan({
        name: `${e.regarding.kind}.${e.reason}`,
        traceId: s.traceId,
        spanId: s.spanId(eventSpanId),
        parentSpanId: s.parentSpanId,
        parentRemote: s.parentRemote,
        traceFlags: s.traceFlags,
        startUs: start,
        endUs: end,
        error: e.type === 'Warning' ? last.message || e.reason : undefined,
        attributes: eventAttributes(s, chain),
        links,
        events,
        resource: this.resources.for(e.component, e.cluster),
      }),
    );
    if (s.prev) this.stats.spans.follow_on++;
    else this.stats.spans.event++;
    s.shrink();
  }

  /**
   * A span's extent, by event time only (never by what happened to arrive when), so that a live run,
   * a replay and a restarted process that re-lists the same events all give the same span: from its
   * first occurrence to the latest of its last occurrence, the next event on the same object, and
   * the events on the object it named — each within `window` of its last occurrence, in event time.
   */
  private extent(s: SpanRec): [number, number] {
    let start = s.first().t;
    let end = s.last().t;
    const next = this.nextAbout(s);
    if (next !== undefined && next > end) end = next;
    if (s.entry.childKey) {
      const [cs, ce] = this.childExtent(s);
      if (cs < start) start = cs;
      if (ce > end) end = ce;
    }
    return [start, end];
  }

  /** Start of the next event on the same object after this span's last occurrence (event time within `window`). */
  private nextAbout(s: SpanRec): number | undefined {
    const list = this.timelines.get(s.entry.objKey)?.about;
    if (!list) return undefined;
    const last = s.last();
    const container = s.entry.ev.container;
    // Event time, not arrival: a restarted process sees the same events in one burst.
    const horizon = last.t + this.opts.windowUs;
    for (let i = lowerBound(list, last.t); i < list.length; i++) {
      const m = list[i]!;
      if (m.t > horizon) break;
      if (m.span.entry === s.entry) continue;
      const other = m.span.entry.ev;
      // Same time: the event created first (an Event's name ends in its creation time) comes first.
      if (m.t === last.t && before(other, s.entry.ev)) continue;
      // Container events follow their container; pod-level events are followed by any.
      if (container && other.container !== container) continue;
      return m.t;
    }
    return undefined;
  }

  /** Extent of the events already here on the object this span named, until it is named again. */
  private childExtent(s: SpanRec): [number, number] {
    const tl = this.timelines.get(s.entry.childKey);
    let lo = Infinity;
    let hi = -Infinity;
    if (!tl) return [lo, hi];
    const from = s.first().t;
    const last = s.last().t;
    const horizon = last + this.opts.windowUs;
    let until = Infinity;
    for (let i = lowerBound(tl.named, last); i < tl.named.length; i++) {
      const m = tl.named[i]!;
      if (m.t > last && m.span.entry !== s.entry) {
        until = m.t;
        break;
      }
    }
    for (let i = lowerBound(tl.about, from); i < tl.about.length; i++) {
      const m = tl.about[i]!;
      if (m.t >= until || m.t > horizon) break;
      if (m.t < lo) lo = m.t;
      if (m.t > hi) hi = m.t;
    }
    return [lo, hi];
  }

  /** A link to the latest span about the event's `related` object (e.g. a preemptor), if one is known. */
  private relatedLink(s: SpanRec): Link | undefined {
    const rel = s.entry.ev.related;
    if (!rel) return undefined;
    const list = this.timelines.get(objKey(rel.kind, rel.namespace, rel.name))?.about;
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const p = list[i]!.span;
      if (p.state !== State.Exported) continue;
      return {
        context: { traceId: p.traceId, spanId: p.spanId(eventSpanId), traceFlags: p.traceFlags },
        attributes: { 'kspan.link': 'related' },
      };
    }
    return undefined;
  }
}

/** Whether change `a` is a later generation of the same top object than `b`. */
function newer(a: Change | undefined, b: Change | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.top.uid !== '' &&
    a.top.uid === b.top.uid &&
    a.top.generation > b.top.generation
  );
}

/** Creation order of two events (core/v1 names are `<object>.<hex creation time>`), then uid. */
function before(a: NormEvent, b: NormEvent): boolean {
  return a.name.length === b.name.length && a.name !== b.name ? a.name < b.name : a.uid < b.uid;
}

function topInfo(a: Ancestor, rec: ObjRecord | undefined, generation: number): TopInfo {
  return {
    kind: a.kind,
    namespace: a.namespace,
    name: a.name,
    uid: rec?.uid || a.uid,
    generation,
    manager: rec?.specManager ?? '',
    operation: rec?.specOperation ?? '',
    // The write that began this generation (a past generation's writer is not kept: NaN).
    specTime: rec ? rec.specTimeOf(generation) : NaN,
  };
}
