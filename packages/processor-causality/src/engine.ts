// Over 400 lines: intake, the pipeline's time and what each timer does when it fires (event windows,
// roots, held spans) belong together — the timers' order (timers.ts) is what makes a replay give
// the same spans as a live run.
import type { ClusterIdentity, KubeObject, WatchEvent } from '@kspan/core';
import { actionKey } from './aggregation.js';
import { ChangeTable } from './change-table.js';
import type { ResolvedOptions } from './config.js';
import { deletionEvent, modelsDeletion, ownerKey } from './deletions.js';
import { EventStore } from './event-store.js';
import { HeldSpans } from './held-spans.js';
import { occurrenceOf } from './event-order.js';
import { eventSpanId } from './ids.js';
import { Interner } from './intern.js';
import { normalizeEvent, type DropReason, type NormEvent } from './normalize.js';
import type { ObjRecord } from './obj-record.js';
import { OwnerGraph } from './owner-graph.js';
import { PipelineTime } from './pipeline-time.js';
import {
  EventEntry,
  Occurrence,
  SpanRec,
  State,
  type Change,
  type Occurrences,
} from './records.js';
import { Resolver } from './resolver.js';
import { RuleTable } from './rules.js';
import type { EventSpan } from './span.js';
import { SpanOutput } from './span-output.js';
import { ScaleTargets } from './scale-targets.js';
import { SpecHistory } from './spec-history.js';
import { Stats, type HeldAtShutdown } from './stats.js';
import { Timelines, type Mark } from './timeline.js';
import { Timer, Timers } from './timers.js';
import { parseTime } from './time.js';

const SWEEP_EVERY_US = 1_000_000;

/**
 * The causality engine, free of RxJS: items go in (`push`), time moves on (`advance`), the end of
 * input resolves everything (`flush`); finished spans come out through `emit`. It owns intake and
 * the pipeline's time, and asks resolution (resolver.ts) which event caused which; the state lives
 * in its parts: the owner graph, the object timelines, the event store, the change table, and span
 * output.
 *
 * An event's span goes out when the pipeline's time (see pipeline-time.ts) passes its observation
 * time plus `window`; by then its causes, even those that arrived after it, are known.
 */
export class CausalityEngine {
  readonly stats = new Stats();
  private readonly interner = new Interner();
  private readonly time: PipelineTime;
  private readonly graph: OwnerGraph;
  private readonly timelines: Timelines;
  private readonly rules: RuleTable;
  private readonly events: EventStore;
  private readonly changes: ChangeTable;
  private readonly output: SpanOutput;
  private readonly resolver: Resolver;
  private readonly specs: SpecHistory;
  private readonly targets: ScaleTargets;
  private readonly timers = new Timers();
  private pending = 0;
  private readonly held: HeldSpans;
  private lastSweep = -Infinity;
  /** The observation time of the object item being applied (for a deletion it shows). */
  private objectObs: number | undefined;
  /** The cluster of the object item being applied (a deletion it asks for is in that cluster). */
  private objectCluster: ClusterIdentity | undefined;

  constructor(
    private readonly opts: ResolvedOptions,
    /** Milliseconds of the pipeline's clock (never Date.now()). */
    clockMs: () => number,
    emit: (span: EventSpan) => void,
  ) {
    this.time = new PipelineTime(clockMs);
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
      EventStore.plainTtl(opts),
    );
    this.rules = new RuleTable(opts.rules);
    this.output = new SpanOutput(opts, this.graph, this.timelines, this.stats, emit);
    this.specs = new SpecHistory(
      opts.diff,
      () => this.stats.evicted.specs++,
      // A CronJob's spec write: a change of its own (ChangeTable.specWritten)
      (o, g) => this.changes.specWritten(o, g, this.objectCluster, this.time.current()),
    );
    this.targets = new ScaleTargets(opts.maxObjects, () => this.graph.counters.evicted++);
    this.output.rootExtras = (c, startUs) => this.specs.rootExtras(c, startUs);
    this.held = new HeldSpans(
      (s) => this.output.durations.awaits(s),
      (s) => this.output.export(s),
    );
    this.events = new EventStore(opts, this.stats, (s) => {
      if (this.release(s)) this.output.export(s);
    });
    this.graph.onDeleting = (rec) => this.onDeleting(rec);
    this.graph.onStatus = (rec) => this.onStatus(rec);
    this.changes = new ChangeTable(opts, this.graph, this.rules, this.stats, {
      started: (c) =>
        this.timers.push(new Timer(this.time.now + opts.windowUs, undefined, c, false)),
      // Its root goes out now rather than never (a claimed root event goes out at its release).
      evicted: (c) => {
        if (!c.rootEmitted && !c.rootSpan) this.output.emitRoot(c, this.time.now);
      },
    });
    this.resolver = new Resolver(
      opts,
      this.graph,
      this.timelines,
      this.rules,
      this.changes,
      this.time,
      this.stats,
      (s, later) => this.continueIn(s, later),
      this.targets,
    );
  }

  /** Whether anything is held (the operator only ticks while there is). */
  get holding(): boolean {
    return this.timers.size > 0;
  }

  /** Entries held per cache, for the state gauge. */
  sizes(): Record<string, number> {
    return {
      objects: this.graph.size,
      pending: this.pending,
      held: this.held.size,
      events: this.events.size,
      timelines: this.timelines.size,
      traces: this.changes.size,
      seen: this.events.seenSize,
      specs: this.specs.size,
    };
  }

  graphCounters(): { evicted: number; expired: number; ignoredTraceparent: number } {
    return this.graph.counters;
  }

  timelineCounters(): { evicted: number; expired: number } {
    return { evicted: this.timelines.evicted, expired: this.timelines.expired };
  }

  // ---------------------------------------------------------------- intake

  /** Takes one item. Bad input is dropped and counted, never thrown. */
  push(item: unknown): void {
    const drop = this.dropReason(item);
    if (drop) {
      this.stats.drop(drop, item);
      return;
    }
    const w = item as WatchEvent;
    this.time.readClock();
    if (w.object.kind === 'Event') this.onEvent(w);
    else this.onObject(w);
    this.releaseDue();
  }

  private dropReason(item: unknown): DropReason | undefined {
    if (typeof item !== 'object' || item === null) return 'not_an_object';
    const w = item as Partial<WatchEvent>;
    const o = w.object as KubeObject | undefined;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'not_an_object';
    if (w.type !== 'ADDED' && w.type !== 'MODIFIED' && w.type !== 'DELETED') return 'not_an_object';
    return undefined;
  }

  private onObject(w: WatchEvent): void {
    let obs: number | undefined;
    if (w.observedAt !== undefined) {
      const p = parseTime(w.observedAt);
      if (!p) return this.stats.drop('bad_time', w);
      obs = p.us;
      this.time.observe(obs);
      this.releaseDue();
    }
    this.objectObs = obs;
    this.objectCluster = w.cluster;
    if (!this.graph.apply(w.type, w.object, this.time.current(), obs))
      return this.stats.drop('bad_object', w);
    this.specs.observe(w.object);
    this.targets.observe(w.object);
    this.stats.objects++;
  }

  /** A deletion asked for (deletions.ts): modelled as a cause when no controller's event is. */
  private onDeleting(rec: ObjRecord): void {
    const obs = this.objectObs ?? this.time.current();
    if (!Number.isFinite(obs) || !modelsDeletion(this.graph, rec)) return;
    const ev = deletionEvent(rec, obs);
    if (this.objectCluster) ev.cluster = this.objectCluster;
    if (this.events.get(ev.uid)) return;
    const now = this.time.current();
    const entry = new EventEntry(ev, undefined, rec.key, rec.key, now, undefined, true);
    const span = entry.current;
    const at = Math.floor(obs / 1e6) === rec.deletingSec ? obs : ev.t;
    const occ = new Occurrence(1, ev.t, true, at, obs);
    span.add(occ, '');
    const mark = occ as Mark;
    this.timelines.addNamed(rec.key, mark, now);
    this.timelines.addNamed(ownerKey(rec), mark, now);
    this.schedule(span, obs);
    this.events.add(entry);
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
    this.time.observe(ev.obs);
    // Windows that closed before this item was seen close first: it cannot join those spans.
    this.releaseDue();
    const now = this.time.current();
    const occ = occurrenceOf(ev);

    const key = actionKey(ev);
    const entry = this.events.get(key);
    if (!entry) return this.onNewEvent(ev, key, occ, now);

    if (ev.count <= entry.maxCount) {
      // A re-delivery (relist, resync, a MODIFIED that changed no count) — or, in a shuffled
      // replay, an earlier occurrence arriving late while its span still waits.
      const cur = entry.current;
      if (ev.count < entry.maxCount && cur.state !== State.Exported && !cur.hasCount(ev.count)) {
        this.addOccurrence(entry, cur, occ, ev.message, now);
        this.stats.occurrences++;
      } else this.stats.duplicates++;
      return;
    }
    this.events.touch(entry, now);
    if (entry.current.state !== State.Exported) {
      // Its window is still open: one more occurrence on the same span (a span event).
      this.addOccurrence(entry, entry.current, occ, ev.message, now);
    } else {
      // Already exported: a follow-on span, same parent and trace, linked to the previous one.
      entry.reopen(ev);
      const follow = new SpanRec(entry, entry.current.ref(eventSpanId));
      entry.current = follow;
      this.addOccurrence(entry, follow, occ, ev.message, now);
      this.schedule(follow, ev.obs);
      this.stats.followOns++;
    }
    this.stats.occurrences++;
  }

  /** An event not held: a new one, or a repeat of one whose full record is gone (a follow-on). */
  private onNewEvent(ev: NormEvent, key: string, occ: Occurrence, now: number): void {
    const previous = this.events.previous(key, ev.count);
    if (previous.duplicate) {
      this.stats.duplicates++;
      return;
    }
    const prev = previous.prev;
    const match = this.rules.match(ev);
    const child = match?.child;
    const entry = new EventEntry(
      ev,
      match,
      this.graph.sharedKey(ev.regarding),
      // An observer names its child without causing anything there: not a possible parent.
      child && !match.rule.observer ? this.graph.sharedKey(child) : '',
      now,
      prev,
    );
    this.addOccurrence(entry, entry.current, occ, ev.message, now);
    this.schedule(entry.current, ev.obs);
    if (prev) {
      this.stats.occurrences++;
      this.stats.followOns++;
    } else this.stats.newEvents++;
    this.events.add(entry);
  }

  /** Later occurrences of a resolved span go on in a follow-on span, their marks with them. */
  private continueIn(s: SpanRec, later: Occurrences): void {
    const follow = new SpanRec(s.entry, s.ref(eventSpanId));
    // The occurrences are the timelines' marks: they move with them.
    for (let i = 0; i < later.occ.length; i++) follow.add(later.occ[i]!, later.messages[i]!);
    if (s.entry.current === s) s.entry.current = follow;
    this.schedule(follow, later.occ[0]!.obs);
    this.stats.followOns++;
  }

  private addOccurrence(
    entry: EventEntry,
    span: SpanRec,
    o: Occurrence,
    message: string,
    now: number,
  ): void {
    span.add(o, message);
    const mark = o as Mark;
    this.timelines.addAbout(entry.objKey, mark, now);
    if (entry.childKey) this.timelines.addNamed(entry.childKey, mark, now);
    if (this.held.has(entry.objKey)) this.held.news(entry.objKey);
  }

  // ---------------------------------------------------------------- real ends (issue 11)

  /** An object item with a status was applied: what waits on it may go now. */
  private onStatus(rec: ObjRecord): void {
    if (this.held.has(rec.key)) this.held.news(rec.key);
    if (rec.kind === 'Pod') return;
    const now = this.time.now;
    for (const c of this.changes.of(rec))
      if (!c.rootEmitted && c.awaitingEnd)
        this.timers.push(new Timer(Math.max(now, this.changes.rootDueAt(c)), undefined, c, false));
  }

  /** Holds a released span until its end is known (or `max_root_delay` has passed). */
  private hold(s: SpanRec, key: string): void {
    s.held = true;
    s.heldEnd = this.output.eventEnd(s);
    this.held.add(s, key);
    const at = s.releaseAt + this.opts.maxRootDelayUs;
    this.timers.push(new Timer(at, s, undefined, true), Timers.HELD);
  }

  private schedule(span: SpanRec, obs: number): void {
    span.releaseAt = obs + this.opts.windowUs;
    this.timers.push(new Timer(span.releaseAt, span, undefined, false), Timers.WINDOW);
    this.pending++;
    // Too much waiting (a flood): release the oldest now rather than grow without bound.
    while (this.pending > this.opts.maxPendingEvents) {
      const t = this.timers.pop();
      if (!t) break;
      if (t.span) this.stats.evicted.pending++;
      this.fire(t);
    }
  }

  // ---------------------------------------------------------------- time

  /** Releases everything whose time has come by the pipeline's clock now (a tick). */
  advance(): void {
    this.time.readClock();
    this.releaseDue();
  }

  /** Releases everything whose time has come, by the clock as read for this item or tick. */
  private releaseDue(): void {
    const wm = this.time.watermark();
    for (let t = this.timers.peek(); t && t.at <= wm; t = this.timers.peek()) {
      this.timers.pop();
      this.time.advanceTo(t.at);
      this.fire(t);
    }
    this.time.advanceTo(wm);
    if (this.time.now - this.lastSweep >= SWEEP_EVERY_US) this.sweep();
  }

  /** End of input: everything held is resolved with what is known, and goes out. */
  flush(): void {
    for (let t = this.timers.pop(); t; t = this.timers.pop()) {
      this.time.advanceTo(t.at);
      this.fire(t);
    }
  }

  /**
   * The service is stopping (a replay's end is `flush`): what is due goes out; event spans still in
   * their window (a `Killing` may still extend its `Deleted pod`), spans held for their end (a Pod
   * not Ready yet, an image pull), roots whose status has not said the change ended and roots not
   * yet due (still to be claimed, or spanning their change) are held back and counted. A restart
   * re-derives them from its relist; emitted now, they would be cut short, and stored twice under
   * one id with its copy.
   */
  interrupt(): HeldAtShutdown {
    this.advance();
    const held = this.stats.heldAtShutdown;
    // A root waiting for its status may have several timers (one per status item): counted once.
    const roots = new Set<Change>();
    for (let t = this.timers.pop(); t; t = this.timers.pop()) {
      if (t.span) {
        // A held span (its Pod not Ready yet, its pull not done) is not pending: its window closed.
        if (!t.hold) this.pending--;
        if (t.span.state !== State.Exported) held.events++;
      } else if (t.change && !t.change.rootEmitted) roots.add(t.change);
    }
    held.roots += roots.size;
    return held;
  }

  private fire(t: Timer): void {
    const s = t.span;
    if (s && t.hold) {
      if (s.state !== State.Exported) {
        this.stats.expired.held++;
        this.held.expire(s);
      }
    } else if (s) {
      this.pending--;
      s.released = true;
      // A top-level event that took its change's root waits, like a synthesised root, until the
      // change is quiet, so that it spans its children; the change's root timer lets it out.
      if (!this.release(s) || (s.isRoot && s.change && !s.change.rootEmitted)) return;
      const waitsFor = this.output.durations.awaits(s);
      if (waitsFor !== undefined) {
        if (this.held.size < this.opts.maxPendingEvents) return this.hold(s, waitsFor);
        this.stats.evicted.held++;
      }
      this.output.export(s);
    } else if (t.change) this.rootDue(t.change, t.at);
  }

  /**
   * Resolves a span whose window closed (or that is let out early); a modelled deletion is done
   * here (its trace's root says it). Returns whether the span still needs to go out.
   */
  private release(s: SpanRec): boolean {
    this.resolver.resolve(s);
    if (!s.entry.deletion) return true;
    s.state = State.Exported;
    s.startUs = s.first().t;
    return false;
  }

  /**
   * A change's root timer: the root goes out if due (see ChangeTable.rootDueAt) and, when its top
   * object has a status, once that status says the change ended — at the latest `max_root_delay`
   * after the change began, marked unfinished.
   */
  private rootDue(c: Change, at: number): void {
    if (c.rootEmitted) return;
    const due = this.changes.rootDueAt(c);
    if (due > at) return this.timers.push(new Timer(due, undefined, c, false));
    const wait = this.changes.settle(c, at);
    if (wait !== undefined) return this.timers.push(new Timer(wait, undefined, c, false));
    if (c.rootSpan) this.output.export(c.rootSpan);
    else this.output.emitRoot(c, this.time.now);
    // The status said the change ended: what of it still waits for an end goes out now.
    if (c.ending) this.held.changeEnded(c);
  }

  private sweep(): void {
    const now = this.time.now;
    this.lastSweep = now;
    this.graph.sweep(now);
    this.timelines.sweep(now);
    this.events.sweep(now);
    this.changes.sweep(now);
  }
}
