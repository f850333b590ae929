import type { KubeObject, WatchEventType } from '@kspan/core';
import { parseTime } from './time.js';

// What causality keeps of an object's `status` (issue 11): a few whole-second timestamps and
// counts, never the object. Times are seconds since the epoch (small integers V8 stores inline);
// 0 means "not seen". Objects without `status` (metadata-only watches, old captures) get none of
// this, and everything falls back to event times.

/** When a Pod reached each step of its start, and when it was gone (s; 0: not yet / unknown). */
export class PodTimes {
  scheduledSec = 0;
  initializedSec = 0;
  containersReadySec = 0;
  /** The first `Ready=True` seen (a later flap does not move it: the span already ended there). */
  readySec = 0;
  /**
   * When it ran to completion without (or after) being Ready — phase `Succeeded`/`Failed`, a Job's
   * pod: its containers' latest `finishedAt`.
   */
  finishedSec = 0;
  /**
   * When the Pod was gone: the `deletionTimestamp` of its DELETED item when the grace period left
   * is 0 (the API server moves it to the final delete), else its containers' latest `finishedAt`.
   */
  goneSec = 0;
}

/** The outcomes of a change (`kspan.change.outcome`). */
export type Outcome = 'complete' | 'failed' | 'superseded' | 'unfinished';

/** A generation the status reported done or failed, and when (s; 0: the status has no time). */
export interface GenerationEnd {
  readonly generation: number;
  readonly failed: boolean;
  readonly sec: number;
  readonly reason: string;
  readonly message: string;
}

/** Ends kept per top object: a change's root goes out within `max_root_delay` of its end. */
const MAX_ENDS = 8;

/**
 * What a top object's status says of its latest changes: the generations it reported done or
 * failed (the first report of each, with its own condition time), and the replica counts.
 */
export class TopStatus {
  /** Oldest first, one per generation. */
  readonly ends: GenerationEnd[] = [];
  desired = -1;
  ready = -1;
  /** Deployment `Available=True` transition (a span event on the root). */
  availableSec = 0;

  /** How generation `g` ended, if the status said so. */
  endOf(g: number): GenerationEnd | undefined {
    for (let i = this.ends.length - 1; i >= 0; i--)
      if (this.ends[i]!.generation === g) return this.ends[i];
    return undefined;
  }

  /** The newest generation reported ended (0: none). */
  get newest(): number {
    return this.ends.length ? this.ends[this.ends.length - 1]!.generation : 0;
  }

  /** Notes the first report of a generation's end; later reports of the same one change nothing. */
  ended(e: GenerationEnd): void {
    if (e.generation < this.newest || this.endOf(e.generation)) return;
    this.ends.push(e);
    if (this.ends.length > MAX_ENDS) this.ends.shift();
  }
}

/** Kinds whose status tells when a change of theirs ended. */
export const END_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
]);

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const sec = (v: unknown): number => {
  const t = parseTime(v);
  return t ? Math.floor(t.us / 1e6) : 0;
};

/** The status of an item that has none, once: only ever read. */
const NO_STATUS: Obj = Object.freeze({});

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  transitionSec: number;
  updateSec: number;
}

function conditions(status: Obj): Condition[] {
  const list = status.conditions;
  if (!Array.isArray(list)) return [];
  const out: Condition[] = [];
  for (const c of list) {
    const o = asObj(c);
    if (!o || typeof o.type !== 'string') continue;
    out.push({
      type: o.type,
      status: typeof o.status === 'string' ? o.status : '',
      reason: typeof o.reason === 'string' ? o.reason : '',
      message: typeof o.message === 'string' ? o.message : '',
      transitionSec: sec(o.lastTransitionTime),
      updateSec: sec(o.lastUpdateTime),
    });
  }
  return out;
}

/** Reads a Pod's status into its times (created on the first item with a status). */
export function readPodStatus(
  prev: PodTimes | undefined,
  type: WatchEventType,
  o: KubeObject,
): PodTimes | undefined {
  const given = asObj((o as Obj).status);
  // A DELETED item may come without status (a tombstone from a relist): the times seen stay.
  // Checked before anything is made: a metadata-only watch's every Pod item takes this path.
  if (!prev && !given) return prev;
  const status = given ?? NO_STATUS;
  const t = prev ?? new PodTimes();
  for (const c of conditions(status)) {
    if (c.status !== 'True' || !c.transitionSec) continue;
    if (c.type === 'PodScheduled') t.scheduledSec ||= c.transitionSec;
    else if (c.type === 'Initialized') t.initializedSec ||= c.transitionSec;
    else if (c.type === 'ContainersReady') t.containersReadySec ||= c.transitionSec;
    else if (c.type === 'Ready') t.readySec ||= c.transitionSec;
  }
  // Without a container's finishedAt, the last condition change (Ready=False at completion).
  if (!t.finishedSec && (status.phase === 'Succeeded' || status.phase === 'Failed'))
    t.finishedSec =
      latestFinish(status) || Math.max(0, ...conditions(status).map((c) => c.transitionSec));
  if (type === 'DELETED') {
    const meta = o.metadata;
    const grace = meta?.deletionGracePeriodSeconds;
    const deletion = sec(meta?.deletionTimestamp);
    t.goneSec = deletion && (grace === 0 || grace === undefined) ? deletion : latestFinish(status);
    if (!t.goneSec) t.goneSec = deletion;
  }
  return t;
}

/** The latest `finishedAt` of the pod's terminated containers (s; 0: none). */
function latestFinish(status: Obj): number {
  let latest = 0;
  for (const list of [status.containerStatuses, status.initContainerStatuses]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const term = asObj(asObj(asObj(c)?.state)?.terminated);
      const f = sec(term?.finishedAt);
      if (f > latest) latest = f;
    }
  }
  return latest;
}

/**
 * Reads a top object's status: whether its newest observed generation is done or failed, when,
 * and the replica counts. Returns `prev` when the object has no status.
 */
export function readTopStatus(prev: TopStatus | undefined, o: KubeObject): TopStatus | undefined {
  const status = asObj((o as Obj).status);
  if (!status || !o.kind || !END_KINDS.has(o.kind)) return prev;
  const t = prev ?? new TopStatus();
  const spec = asObj((o as Obj).spec);
  // Jobs report no observedGeneration: their status is always about their (only) spec.
  const observed = o.kind === 'Job' ? 1 : num(status.observedGeneration);
  const conds = conditions(status);
  const done = (sec: number) =>
    t.ended({ generation: observed, failed: false, sec, reason: '', message: '' });
  const fail = (c: Condition) =>
    t.ended({
      generation: observed,
      failed: true,
      sec: c.updateSec || c.transitionSec,
      reason: c.reason || c.type,
      message: c.message,
    });
  const desiredFrom = (statusCount: unknown) =>
    spec && 'replicas' in spec ? num(spec.replicas) : num(statusCount);
  switch (o.kind) {
    case 'Deployment': {
      const desired = desiredFrom(status.replicas);
      t.desired = desired;
      t.ready = num(status.readyReplicas);
      const available = conds.find((c) => c.type === 'Available' && c.status === 'True');
      if (available) t.availableSec = available.transitionSec;
      const progressing = conds.find((c) => c.type === 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
        fail(progressing);
      else if (
        progressing?.status === 'True' &&
        progressing.reason === 'NewReplicaSetAvailable' &&
        num(status.updatedReplicas) === desired &&
        num(status.availableReplicas) === desired &&
        num(status.replicas) === desired
      )
        done(progressing.updateSec || progressing.transitionSec);
      break;
    }
    case 'StatefulSet': {
      const desired = desiredFrom(status.replicas);
      t.desired = desired;
      t.ready = num(status.readyReplicas);
      const rev = status.updateRevision;
      if (
        typeof rev === 'string' &&
        rev === status.currentRevision &&
        t.ready === desired &&
        num(status.replicas) === desired
      )
        done(0);
      break;
    }
    case 'DaemonSet': {
      const desired = num(status.desiredNumberScheduled);
      t.desired = desired;
      t.ready = num(status.numberReady);
      if (num(status.updatedNumberScheduled) === desired && num(status.numberAvailable) === desired)
        done(0);
      break;
    }
    case 'Job': {
      t.desired = spec && 'completions' in spec ? num(spec.completions) : -1;
      t.ready = num(status.succeeded);
      const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
      const complete = conds.find((c) => c.type === 'Complete' && c.status === 'True');
      if (failed) fail(failed);
      else if (complete) done(sec(status.completionTime) || complete.transitionSec);
      break;
    }
  }
  return t;
}

/** The status part of an object's record: a Pod's times, or a top object's outcome. */
export type StatusRecord = PodTimes | TopStatus;

/**
 * Reads the status of an object item into what its record keeps (unchanged when the item has none).
 */
export function readStatus(
  current: StatusRecord | undefined,
  type: WatchEventType,
  o: KubeObject,
): StatusRecord | undefined {
  if (o.kind === 'Pod')
    return readPodStatus(current instanceof PodTimes ? current : undefined, type, o);
  return readTopStatus(current instanceof TopStatus ? current : undefined, o);
}
