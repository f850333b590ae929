import type { ClusterIdentity, KubeObject } from '@kspan/core';
import { CappedMap } from './capped.js';
import { changeEnd, unfinished } from './change-end.js';
import type { ResolvedOptions } from './config.js';
import { objKey, type NormEvent, type ObjRef } from './normalize.js';
import type { Ancestor, ObjRecord } from './obj-record.js';
import type { OwnerGraph } from './owner-graph.js';
import { Change, type TopInfo } from './records.js';
import type { RuleMatch, RuleTable } from './rules.js';
import type { Stats } from './stats.js';

/**
 * Kinds whose spec writes no controller answers with an Event: a CronJob's new jobTemplate or
 * schedule only shows in its next run, which is a trace of its own (the run, not the change). The
 * write is then a change of its own, so that what changed (`kspan.change.diff`) is seen somewhere.
 */
const SPEC_WRITE_KINDS: ReadonlySet<string> = new Set(['CronJob']);

/** A slot whose change was closed: the next activity on it is a new trace. */
interface Closed {
  slot: string;
  stamp: number;
}

/** What the engine does when a change starts, and when the cap drops one before its root went out. */
export interface ChangeHooks {
  started(c: Change): void;
  evicted(c: Change): void;
}

/**
 * The change table: the changes (traces) in progress, by slot — `<uid>/<generation>` of a top
 * object, or one run of a CronJob — capped at `max_traces`; the slots of closed changes (so that
 * later activity starts a new trace); and when each change's root falls due.
 */
export class ChangeTable {
  private readonly active: CappedMap<Change>;
  private readonly closed: CappedMap<Closed>;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly graph: OwnerGraph,
    private readonly rules: RuleTable,
    private readonly stats: Stats,
    private readonly hooks: ChangeHooks,
  ) {
    this.active = new CappedMap<Change>(
      opts.maxTraces,
      (c) => c.slot,
      (c) => {
        this.hooks.evicted(c);
        this.stats.evicted.traces++;
      },
    );
    this.closed = new CappedMap<Closed>(opts.maxTraces, (c) => c.slot);
  }

  get size(): number {
    return this.active.size;
  }

  /** The change in progress of a top object's generation, if any. */
  inProgress(top: ObjRecord, key: string, generation: number): Change | undefined {
    return this.active.get(`${top.uid || key}/${generation}`);
  }

  /** The top object of a change, if known. */
  topRecord(c: Change): ObjRecord | undefined {
    const t = c.top;
    return this.graph.lookup(t.uid, objKey(t.kind, t.namespace, t.name));
  }

  /**
   * The changes in progress whose top is `rec`: its current and previous generation's (a new
   * write supersedes the previous change), and a Job's run of its CronJob.
   */
  of(rec: ObjRecord): Change[] {
    const out: Change[] = [];
    const id = rec.uid || rec.key;
    for (const g of [rec.generation, rec.prevGeneration]) {
      const c = g >= 0 ? this.active.get(`${id}/${g}`) : undefined;
      if (c) out.push(c);
    }
    if (rec.ownerUid) {
      const run = this.active.get(`${rec.ownerUid}/run/${rec.kind}/${rec.name}`);
      if (run) out.push(run);
    }
    return out;
  }

  /** The change an event belongs to when no event caused it: its top object's, or a run's. */
  forEvent(
    e: NormEvent,
    m: RuleMatch | undefined,
    chain: readonly Ancestor[],
    t: number,
    /** The key of the object the event is about (its `EventEntry.objKey`): not made again. */
    key: string,
    /** Its record (`graph.lookup` of its uid and key), when the caller already looked it up. */
    record: ObjRecord | undefined,
  ): Change {
    return this.forObject(e.cluster, e.regarding, m?.child, chain, t, key, record);
  }

  /** The change of object `r` (with owner chain `chain`) at `t`, as for an event about it. */
  forObject(
    cluster: ClusterIdentity | undefined,
    r: Pick<ObjRef, 'kind' | 'namespace' | 'name' | 'uid'>,
    child: RuleMatch['child'],
    chain: readonly Ancestor[],
    t: number,
    key = objKey(r.kind, r.namespace, r.name),
    record = this.graph.lookup(r.uid, key),
  ): Change {
    const self: Ancestor = {
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      key,
      uid: r.uid,
      record,
      via: 'graph',
    };
    if (child && this.rules.isRun(r.kind, child.kind)) {
      const childKey = objKey(child.kind, child.namespace, child.name);
      return this.run(cluster, self, {
        kind: child.kind,
        namespace: child.namespace,
        name: child.name,
        key: childKey,
        uid: '',
        record: this.graph.byKeyOnly(childKey),
        via: 'name',
      });
    }
    let below = self;
    for (const a of chain) {
      if (this.rules.isRun(a.kind, below.kind)) return this.run(cluster, a, below);
      below = a;
    }
    return this.top(cluster, below, t);
  }

  /** A change of a top object: its generation at `t`; a burst long after the spec change is new. */
  private top(cluster: ClusterIdentity | undefined, top: Ancestor, t: number): Change {
    const rec = top.record ?? this.graph.lookup(top.uid, top.key);
    const uid = rec?.uid || top.uid;
    const generation = rec ? rec.generationAt(t) : 0;
    const slot = `${uid || top.key}/${generation}`;
    const active = this.active.get(slot);
    if (active) return active;
    const late =
      rec !== undefined && !Number.isNaN(rec.specTime) && t - rec.specTime > this.opts.traceIdleUs;
    const key = late || this.closed.has(slot) ? `${slot}@${Math.floor(t / 1e6)}` : slot;
    // A traceparent annotation speaks for the object's current generation only.
    const remote = rec && generation === rec.generation ? rec.traceparent : undefined;
    return this.start(new Change(slot, key, topInfo(top, rec, generation), remote, cluster));
  }

  /**
   * Generation `generation` of `o`'s object was compared with the one before (spec-history.ts):
   * for a `SPEC_WRITE_KINDS` object, the spec write is a change (trace) of its own, its root the
   * write (`<Kind>.<operation>` of its writer, at the write's time) carrying what changed. Told
   * only when the previous generation's spec was seen, so a restart's relist (the current
   * generation alone) does not make it twice; events of the object in that generation join it.
   */
  specWritten(
    o: KubeObject,
    generation: number,
    cluster: ClusterIdentity | undefined,
    now: number,
  ) {
    const m = o.metadata;
    if (!SPEC_WRITE_KINDS.has(o.kind ?? '') || !m?.name) return;
    const key = objKey(o.kind!, m.namespace ?? '', m.name);
    const rec = this.graph.lookup(m.uid ?? '', key);
    if (!rec) return;
    const slot = `${rec.uid || key}/${generation}`;
    if (this.active.get(slot) || this.closed.has(slot)) return;
    const { kind, namespace, name, uid } = rec;
    const self: Ancestor = { kind, namespace, name, key, uid, record: rec, via: 'graph' };
    const remote = generation === rec.generation ? rec.traceparent : undefined;
    const c = this.start(new Change(slot, slot, topInfo(self, rec, generation), remote, cluster));
    const at = Number.isNaN(c.top.specTime) ? now : c.top.specTime;
    c.attach(now, at, at, '');
  }

  /** One run of a CronJob (or any `root` + `child` rule): its own trace, keyed by owner and child. */
  private run(cluster: ClusterIdentity | undefined, owner: Ancestor, child: Ancestor): Change {
    const ownerRec = owner.record ?? this.graph.lookup(owner.uid, owner.key);
    const slot = `${ownerRec?.uid || owner.uid || owner.key}/run/${child.kind}/${child.name}`;
    const active = this.active.get(slot);
    if (active) return active;
    const rec = child.record ?? this.graph.byKeyOnly(child.key);
    const top = topInfo(child, rec, rec?.generation ?? 0);
    return this.start(new Change(slot, slot, top, undefined, cluster, true));
  }

  /** The change a deletion asked for at `t` (µs) starts: its root is `<Kind>.Delete`. */
  deletion(r: ObjRef, key: string, t: number, cluster: ClusterIdentity | undefined): Change {
    const slot = `${r.uid || key}/delete`;
    const top: TopInfo = {
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      uid: r.uid,
      generation: 0,
      manager: '',
      operation: 'Delete',
      specTime: t,
    };
    return this.active.get(slot) ?? this.start(new Change(slot, slot, top, undefined, cluster));
  }

  private start(c: Change): Change {
    this.active.set(c);
    this.hooks.started(c);
    this.stats.traces++;
    return c;
  }

  /**
   * When a synthesised root falls due: once its change has been quiet for `root_idle` (at least
   * `window`, so a late top-level event can still claim the root), at the latest `max_root_delay`
   * after the change began. A root event claimed early (by a child) still gets its own full window
   * for repeats.
   */
  rootDueAt(c: Change): number {
    const r = c.rootSpan;
    const idle = Math.max(this.opts.rootIdleUs, this.opts.windowUs);
    const due = Math.max(
      c.firstAttach + this.opts.windowUs,
      Math.min(c.lastAttach + idle, c.firstAttach + this.opts.maxRootDelayUs),
    );
    return r && !r.released ? Math.max(due, r.releaseAt) : due;
  }

  /**
   * A change whose root is due: with a status on its top object, it goes out once that status says
   * the change ended, at the latest `max_root_delay` after it began (unfinished). Sets `c.ending`
   * and returns undefined when the root can go out, else when to look again.
   */
  settle(c: Change, at: number): number | undefined {
    const top = this.topRecord(c);
    const end = changeEnd(top, c.top.generation);
    if (end === 'pending') {
      const began = Number.isNaN(c.firstAttach) ? at : c.firstAttach;
      const deadline = began + this.opts.maxRootDelayUs;
      if (at < deadline) {
        c.awaitingEnd = true;
        return deadline;
      }
      c.ending = unfinished(top);
    } else if (end !== 'untracked') c.ending = end;
    c.awaitingEnd = false;
    return undefined;
  }

  /** Closes changes quiet for `trace_idle` whose root is out. Changes are few: a full pass is cheap. */
  sweep(now: number): void {
    for (const c of this.active.values()) {
      if (c.rootEmitted && now - c.lastAttach > this.opts.traceIdleUs) this.close(c);
    }
  }

  private close(c: Change): void {
    this.active.delete(c);
    this.closed.set({ slot: c.slot, stamp: 0 });
    this.stats.expired.traces++;
  }
}

function topInfo(a: Ancestor, rec: ObjRecord | undefined, generation: number): TopInfo {
  // The writer of this generation, not the newest: a second change may have landed meanwhile.
  const writer = rec?.writerOf(generation);
  return {
    kind: a.kind,
    namespace: a.namespace,
    name: a.name,
    uid: rec?.uid || a.uid,
    generation,
    manager: writer?.manager ?? '',
    operation: writer?.operation ?? '',
    // The write that began this generation (a past generation's writer is not kept: NaN).
    specTime: rec ? rec.specTimeOf(generation) : NaN,
  };
}
