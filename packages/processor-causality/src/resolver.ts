import type { ChangeTable } from './change-table.js';
import type { ResolvedOptions } from './config.js';
import { eventSpanId } from './ids.js';
import { objKey, type NormEvent } from './normalize.js';
import type { Ancestor, ObjRecord } from './obj-record.js';
import type { OwnerGraph } from './owner-graph.js';
import type { PipelineTime } from './pipeline-time.js';
import { State, type Change, type Occurrences, type ParentVia, type SpanRec } from './records.js';
import type { RuleMatch, RuleTable } from './rules.js';
import type { ScaleTargets } from './scale-targets.js';
import { SAMPLED } from './span.js';
import type { Stats } from './stats.js';
import type { Mark, Timelines } from './timeline.js';

/**
 * Resolution: which event caused which. Holds no state of its own; reads the owner graph, the
 * object timelines and the change table, and fills in a span's parent, trace and change.
 */
export class Resolver {
  private readonly hasEvidence = (key: string) => this.timelines.has(key);

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly graph: OwnerGraph,
    private readonly timelines: Timelines,
    private readonly rules: RuleTable,
    private readonly changes: ChangeTable,
    private readonly time: PipelineTime,
    private readonly stats: Stats,
    /** Continues a span's later occurrences in a follow-on span (the engine schedules it). */
    private readonly split: (s: SpanRec, later: Occurrences) => void,
    private readonly targets: ScaleTargets,
  ) {}

  /**
   * Finds a span's parent (once; a child may ask before the span's own window closes):
   * 1. a top-level event (rule `root`) takes its change's root, if still free;
   * 2. the latest event that named this object (rule `child`), no later than this event;
   * 3. up the owner chain, the latest event that named an owner;
   * 4. the change's root: a top-level event, or one synthesised from the top object's spec writer.
   */
  resolve(s: SpanRec): void {
    if (s.state !== State.Pending) return;
    s.state = State.Resolving;
    const at = this.newerFrom(s);
    const later = at > 0 ? s.takeFrom(at) : undefined;
    if (s.prev && !this.movedOn(s)) this.resolveFollowOn(s);
    else this.resolveFirst(s);
    s.state = State.Resolved;
    s.change?.attach(this.time.now, s.first().t, s.last().t, s.entry.ev.component);
    if (!s.entry.deletion) this.stats.parents[s.via]++;
    // Occurrences in a newer change go on in a span of their own (a follow-on, resolved later).
    if (later) this.split(s, later);
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

  /**
   * A modelled deletion (deletions.ts): the root of a trace of its own, unless a controller's event
   * names the pod's deletion within a window of it (a scale-down: that event is the cause).
   */
  private resolveDeletion(s: SpanRec): void {
    const t = s.first().t;
    const w = this.opts.windowUs + 1e6;
    if (this.timelines.namedWithin(s.entry.childKey, t - w, t + w, (p) => p.entry.deletes)) {
      s.voided = true;
      return;
    }
    const ev = s.entry.ev;
    const change = this.changes.deletion(ev.regarding, s.entry.objKey, t, ev.cluster);
    s.isRoot = true;
    s.change = change;
    s.traceId = change.traceId;
  }

  private resolveFirst(s: SpanRec): void {
    if (s.entry.deletion) return this.resolveDeletion(s);
    const e = s.entry.ev;
    const m = s.entry.match;
    const o = s.first();
    const r = e.regarding;
    const chain = this.graph.chain(r.kind, r.namespace, r.name, r.uid, this.hasEvidence);
    s.chain = chain;
    // The object's record, looked up once for the cause search and the change.
    const self = this.graph.lookup(r.uid, s.entry.objKey);

    if (m?.rule.root) {
      const change = this.rootChange(s, m, chain, self);
      if (change && !change.rootSpan && !change.rootEmitted) {
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

    const parent = this.namedCause(s, chain, self);
    const via = this.causeVia;
    if (parent) {
      this.resolve(parent);
      s.parent = parent;
      s.change = parent.change;
      s.traceId = parent.traceId;
      s.traceFlags = parent.traceFlags;
      s.parentIs(parent, eventSpanId);
      s.via = via;
      return;
    }
    const change = this.changes.forEvent(e, m, chain, o.t, s.entry.objKey, self);
    s.change = change;
    s.traceId = change.traceId;
    s.parentSpanId = change.rootSpanId;
    s.parent = change.rootSpan;
    s.traceFlags = change.remote?.traceFlags ?? SAMPLED;
    s.via = 'root';
  }

  /**
   * The change a top-level event starts: its object's, or with `scale_target` its object's scale
   * target's (an HPA's rescale: the generation its write gave the Deployment, in force at the
   * event, which the controller records after the write); none while that target is unknown. The
   * target and its owners join the span's chain, so its attributes name what was scaled.
   */
  private rootChange(
    s: SpanRec,
    m: RuleMatch,
    chain: readonly Ancestor[],
    self: ObjRecord | undefined,
  ): Change | undefined {
    const e = s.entry.ev;
    if (!m.rule.scaleTarget)
      return this.changes.forEvent(e, m, chain, s.first().t, s.entry.objKey, self);
    const target = this.targets.of(s.entry.objKey);
    if (!target) return undefined;
    const { kind, namespace, name } = target;
    const key = objKey(kind, namespace, name);
    const record = this.graph.byKeyOnly(key);
    const uid = record?.uid ?? '';
    const up = this.graph.chain(kind, namespace, name, uid, this.hasEvidence);
    s.chain = [{ kind, namespace, name, key, uid, record, via: 'graph' }, ...up, ...chain];
    return this.changes.forObject(
      e.cluster,
      { kind, namespace, name, uid },
      undefined,
      up,
      s.first().t,
    );
  }

  /**
   * How the last `namedCause` found its cause: a field rather than a returned pair (one array per
   * span). Read right after the call: causes resolved during the search set it before it returns.
   */
  private causeVia: ParentVia = 'root';

  // What `skip` and `skipOwn` compare a candidate cause with: the span being resolved and its
  // object's replacement times. Fields rather than closures made per search (two closures and
  // their context for every span); a search nested in one (a modelled deletion resolved on the
  // way) saves and restores them.
  private forSpan: SpanRec | undefined;
  private succeededUs = 0;
  private bornSec = 0;

  /**
   * A cause never considered: the span itself, one being resolved (a cycle), a voided deletion, and
   * for a controller's deletion of a pod (`delete Pod x …`) the modelled deletion of that pod — it is
   * that deletion, not its effect, even when it arrived too late (past the window) to void it.
   */
  private readonly skip = (p: SpanRec): boolean =>
    p.entry === this.forSpan!.entry ||
    p.state === State.Resolving ||
    (p.entry.deletion &&
      this.forSpan!.entry.deletes &&
      p.entry.objKey === this.forSpan!.entry.childKey) ||
    this.voided(p);

  /**
   * Nor is an object caused by what happened to the one it replaced: the deletion before it
   * existed (the controller's, by time; a modelled one, by uid).
   */
  private readonly skipOwn = (p: SpanRec, t: number): boolean => {
    if (this.skip(p)) return true;
    const s = this.forSpan!;
    const uid = s.entry.ev.regarding.uid;
    return (
      (this.succeededUs > 0 && p.entry.creates && t >= this.succeededUs) ||
      (this.bornSec > 0 && p.entry.deletes && Math.floor(t / 1e6) <= this.bornSec) ||
      (p.entry.deletion &&
        p.entry.objKey === s.entry.objKey &&
        uid !== '' &&
        p.entry.ev.regarding.uid !== uid)
    );
  };

  /**
   * The latest event that named this span's object, else one of its owners (steps 2 and 3).
   * `self`: the object's record (`graph.lookup` of its uid and key).
   */
  private namedCause(
    s: SpanRec,
    chain: readonly Ancestor[],
    self: ObjRecord | undefined,
  ): SpanRec | undefined {
    const outer = this.forSpan;
    const outerSucceeded = this.succeededUs;
    const outerBorn = this.bornSec;
    // uid-exact identity: an object replaced by one of the same name (a StatefulSet's pod) is not
    // caused by its successor's creation, even within the same second.
    const r = s.entry.ev.regarding;
    const own = r.uid && self !== undefined && self.uid === r.uid ? self : undefined;
    this.forSpan = s;
    this.succeededUs = own ? own.successorSec * 1e6 : 0;
    this.bornSec = own?.succeeds ? own.createdSec : 0;
    try {
      return this.searchCause(s, chain);
    } finally {
      this.forSpan = outer;
      this.succeededUs = outerSucceeded;
      this.bornSec = outerBorn;
    }
  }

  private searchCause(s: SpanRec, chain: readonly Ancestor[]): SpanRec | undefined {
    const o = s.first();
    const minT = o.t - this.opts.parentTtlUs;
    const parent = this.timelines.latestNamed(
      s.entry.objKey,
      o,
      minT,
      this.skipOwn,
      this.opts.windowUs,
      this.writtenAt,
    );
    if (parent || this.namesRun(s.entry.ev, s.entry.match)) {
      this.causeVia = 'named';
      return parent;
    }
    for (const a of chain) {
      const p = this.timelines.latestNamed(a.key, o, minT, this.skip, 0, this.writtenAt);
      if (p) {
        this.causeVia = 'owner';
        return p;
      }
    }
    this.causeVia = 'root';
    return undefined;
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
    // An object below the top that existed before a newer change began is not that change's
    // product: its repeats (a retried FailedScheduling) stay with its own creation.
    const self = this.graph.lookup(r.uid, s.entry.objKey);
    const bornUs = chain.length > 0 && self?.createdSec ? self.createdSec * 1e6 : NaN;
    const cause = this.namedCause(s, chain, self);
    const via = this.causeVia;
    if (cause) {
      if (via === 'owner' && bornUs < cause.first().t) return false;
      this.resolve(cause);
      if (cause.traceId === prev.traceId) return false;
      // A user's deletion in another trace than the previous span's (so after it): the
      // controller's answer to it (a StatefulSet recreating its pod under the same name, the same
      // Event text), not one more of that span.
      if (cause.entry.deletion) return true;
      return newer(cause.change, prev.change);
    }
    // No event caused it: its top object's change at the occurrence's time.
    const top = this.topOf(s, chain);
    if (!top) return false;
    const rec = top.rec;
    const g = rec.generationAt(s.first().t);
    if (g !== rec.prevGeneration && bornUs < rec.genSinceUs) return false;
    if (prev.change) return prev.change.top.uid === rec.uid && g > prev.change.top.generation;
    // The previous span's change is gone (its record too): only a change in progress counts.
    const active = this.changes.inProgress(rec, top.key, g);
    return active !== undefined && active.traceId !== prev.traceId;
  }

  /** The record of the top of an event's owner chain, unless a run (a CronJob's job) is on the way. */
  private topOf(
    s: SpanRec,
    chain: readonly Ancestor[],
  ): { rec: ObjRecord; key: string } | undefined {
    const r = s.entry.ev.regarding;
    let below: Ancestor | undefined;
    let top: { key: string; uid: string; record: ObjRecord | undefined } = {
      key: s.entry.objKey,
      uid: r.uid,
      record: this.graph.lookup(r.uid, s.entry.objKey),
    };
    for (const a of chain) {
      if (this.rules.isRun(a.kind, below?.kind ?? r.kind)) return undefined;
      below = a;
      top = a;
    }
    const rec = top.record ?? this.graph.lookup(top.uid, top.key);
    return rec ? { rec, key: top.key } : undefined;
  }

  /**
   * Where a waiting span's occurrences move on to a newer change (generation) of the top object the
   * event is about itself (Kubernetes folded a StatefulSet's `delete Pod db-2` of a new image and of
   * a scale-down a few seconds later into one Event): the index of the first such, or -1.
   */
  private newerFrom(s: SpanRec): number {
    const e = s.entry.ev;
    if (s.occCount < 2 || s.prev?.isRoot || this.namesRun(e, s.entry.match)) return -1;
    const r = e.regarding;
    if (this.graph.chain(r.kind, r.namespace, r.name, r.uid, this.hasEvidence).length > 0)
      return -1;
    const rec = this.graph.lookup(r.uid, s.entry.objKey);
    if (!rec) return -1;
    const g = rec.generationAt(s.first().t);
    for (let i = 1; i < s.occCount; i++) if (rec.generationAt(s.occAt(i)!.t) > g) return i;
    return -1;
  }

  /**
   * When a step known in whole seconds only (a later occurrence of an aggregated Event) happened:
   * the write it reports to the object it names — that object's generation change (a ReplicaSet's
   * replicas), seen before the occurrence was observed, in its second. A controller writes, then
   * records the event; the pods it creates or deletes come after the write.
   */
  private readonly writtenAt = (m: Mark): number | undefined => {
    const key = m.span.entry.childKey;
    if (!key) return undefined;
    const at = Math.min(m.obs, Math.floor(m.t / 1e6) * 1e6 + 999_999);
    return this.graph.byKeyOnly(key)?.writtenBefore(at);
  };

  /** Whether a span is a modelled deletion that turned out to be a controller's (no cause). */
  private voided(p: SpanRec): boolean {
    if (!p.entry.deletion) return false;
    this.resolve(p);
    return p.voided;
  }

  /** Whether the event names a child that is a change of its own (a CronJob's job). */
  private namesRun(e: NormEvent, m: RuleMatch | undefined): boolean {
    return m?.child !== undefined && this.rules.isRun(e.regarding.kind, m.child.kind);
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
