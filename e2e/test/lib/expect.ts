// What a trace must look like, derived from the cluster's own Events (the ground truth), and the
// check of a trace read back from Jaeger or Zipkin against it.
//
// The expected parent of each event comes from the causality rules kspan promises
// (packages/processor-causality, shared/conformance): an event hangs under the latest event that
// named its object no later than itself (compared at second precision when either time has only
// whole seconds), else under the latest event that named an owner up the chain, else under the root
// of its change (a span synthesised from the top object's newest spec writer). A CronJob's
// `Created job X` is the root of that job's run. The rules are written out here independently of
// the processor's code, from the message formats of the Kubernetes controllers.
import type { ClusterEvent, KubeObj } from './kubectl.js';
import { describeEvent } from './kubectl.js';
import {
  connectivityProblems,
  duplicateContent,
  duplicateSpanIds,
  eventUid,
  label,
  rootsOf,
  spanById,
  type SpanView,
  type TraceView,
} from './trace.js';

interface Naming {
  kinds: string[];
  reasons: string[];
  re: RegExp;
  child: string;
  /** The named child is a change of its own, and this event its root (a CronJob's job). */
  run?: boolean;
  /** The event reports what another controller did (it comes after it): never a parent. */
  observer?: boolean;
}

const NAMING: Naming[] = [
  {
    kinds: ['Deployment'],
    reasons: ['ScalingReplicaSet'],
    re: /^Scaled (?:up|down) replica set (\S+)/,
    child: 'ReplicaSet',
  },
  {
    kinds: ['ReplicaSet', 'Job', 'DaemonSet', 'ReplicationController'],
    reasons: ['SuccessfulCreate', 'SuccessfulDelete'],
    re: /^(?:Created|Deleted) pod: (\S+)$/,
    child: 'Pod',
  },
  {
    kinds: ['StatefulSet'],
    reasons: [
      'SuccessfulCreate',
      'SuccessfulUpdate',
      'SuccessfulDelete',
      'FailedCreate',
      'FailedDelete',
    ],
    re: /^(?:create|update|delete) Pod (\S+) in StatefulSet \S+ (?:successful|failed)/,
    child: 'Pod',
  },
  {
    kinds: ['CronJob'],
    reasons: ['SuccessfulCreate'],
    re: /^Created job (\S+)$/,
    child: 'Job',
    run: true,
  },
  {
    kinds: ['CronJob'],
    reasons: ['SawCompletedJob'],
    re: /^Saw completed job: ([^,\s]+)/,
    child: 'Job',
    observer: true,
  },
  { kinds: ['CronJob'], reasons: ['SuccessfulDelete'], re: /^Deleted job (\S+)$/, child: 'Job' },
];

const DELETES = /^(?:Deleted pod|delete Pod)/;
const CREATES = /^(?:Created pod|create Pod)/;

/** Owner kind → child kind whose children are changes of their own (from the `run` rules). */
const RUNS: Record<string, string> = Object.fromEntries(
  NAMING.filter((n) => n.run).flatMap((n) => n.kinds.map((k) => [k, n.child])),
);

export interface ObjRef {
  kind: string;
  name: string;
}

const key = (kind: string, name: string) => `${kind}/${name}`;

/** The object an event's message names as its child (by the rules above), if any. */
export function namedChild(
  e: ClusterEvent,
): (ObjRef & { run: boolean; observer: boolean }) | undefined {
  for (const n of NAMING) {
    if (!n.kinds.includes(e.kind) || !n.reasons.includes(e.reason)) continue;
    const m = n.re.exec(e.message);
    if (m)
      return { kind: n.child, name: m[1]!, run: n.run === true, observer: n.observer === true };
  }
  return undefined;
}

/**
 * Controller owner of each object: from the objects' ownerReferences where they still exist, and for
 * objects already gone (deleted pods, jobs) from the events that created them.
 */
export function ownerMap(objects: KubeObj[], events: ClusterEvent[]): Map<string, ObjRef> {
  const owners = new Map<string, ObjRef>();
  for (const e of events) {
    const c = namedChild(e);
    if (c && !owners.has(key(c.kind, c.name)))
      owners.set(key(c.kind, c.name), { kind: e.kind, name: e.objName });
  }
  for (const o of objects) {
    const ref =
      o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
    if (ref) owners.set(key(o.kind, o.metadata.name), { kind: ref.kind, name: ref.name });
  }
  return owners;
}

interface Mark {
  event: ClusterEvent;
  t: number;
  coarse: boolean;
}

/**
 * How long after its effect a cause may be stamped: a controller records its event after its API
 * call returns, and the next controller may already have acted (the deployment controller's
 * `Scaled up replica set X from 0 to 1` after X's first `Created pod`).
 */
const CAUSE_LAG_US = 2_000;

/** `a` may have happened before `b` (in the same second when either has only whole seconds). */
function notAfter(a: { t: number; coarse: boolean }, b: { t: number; coarse: boolean }): boolean {
  if (a.coarse || b.coarse) return Math.floor(a.t / 1e6) <= Math.floor(b.t / 1e6);
  return a.t <= b.t + CAUSE_LAG_US;
}

/**
 * The latest event that named `obj` no later than `e` (its first occurrence). A repeated naming
 * event counts at its first and at its latest occurrence (the ones between are not in the API).
 * When none did, the earliest that named it later in the same second: its controller was slower to
 * record it than the next controller was to act (a busy kube-controller-manager stamps a new
 * ReplicaSet's `Scaled up … from 0 to 1` several ms after the `Created pod` it caused).
 */
function latestNamed(
  obj: ObjRef,
  e: ClusterEvent,
  all: ClusterEvent[],
  accept: (x: ClusterEvent) => boolean = () => true,
): ClusterEvent | undefined {
  const marks: Mark[] = [];
  for (const x of all) {
    if (x.uid === e.uid) continue;
    const c = namedChild(x);
    if (!c || c.observer || c.kind !== obj.kind || c.name !== obj.name || !accept(x)) continue;
    marks.push({ event: x, t: x.t, coarse: x.coarse });
    if (x.count > 1) marks.push({ event: x, t: x.lastT, coarse: x.lastCoarse });
  }
  // the processor's order: time, then arrival (resourceVersion order within one watch)
  marks.sort((a, b) => a.t - b.t || a.event.rv - b.event.rv);
  for (let i = marks.length - 1; i >= 0; i--) if (notAfter(marks[i]!, e)) return marks[i]!.event;
  return marks.find((m) => Math.floor(m.t / 1e6) === Math.floor(e.t / 1e6))?.event;
}

/**
 * The event that created `obj`, when it was recorded at most a second after `e` though `e` is
 * about `obj` already: the scheduler may bind a pod before its controller has recorded
 * `Created pod` (the engine waits for it within its window). Only when nothing named `obj` before.
 */
function createdJustAfter(
  obj: ObjRef,
  e: ClusterEvent,
  all: ClusterEvent[],
): ClusterEvent | undefined {
  const named = (x: ClusterEvent) => {
    const c = namedChild(x);
    return c !== undefined && !c.observer && c.kind === obj.kind && c.name === obj.name;
  };
  if (all.some((x) => x.uid !== e.uid && named(x) && x.t <= e.t)) return undefined;
  return all
    .filter((x) => x.uid !== e.uid && named(x) && CREATES.test(x.message))
    .filter((x) => !x.coarse && !e.coarse && x.t > e.t && x.t - e.t <= 1_000_000)
    .sort((a, b) => a.t - b.t)[0];
}

export type ExpectedParent =
  { is: 'root-itself' } | { is: 'change-root' } | { is: 'event'; event: ClusterEvent };

export function expectedParent(
  e: ClusterEvent,
  all: ClusterEvent[],
  owners: Map<string, ObjRef>,
): ExpectedParent {
  const named = namedChild(e);
  if (named?.run) return { is: 'root-itself' };
  // A kubelet's Killing is caused by the pod's deletion, never by a later re-creation of a pod
  // of the same name (a StatefulSet's), whose event may share its whole second.
  const direct =
    createdJustAfter({ kind: e.kind, name: e.objName }, e, all) ??
    (e.reason === 'Killing'
      ? latestNamed({ kind: e.kind, name: e.objName }, e, all, (x) => DELETES.test(x.message))
      : undefined) ??
    // … and only a Killing: the events of a pod re-created under the same name belong to its
    // creation, not to the deletion of its predecessor (the objects differ by uid).
    latestNamed({ kind: e.kind, name: e.objName }, e, all, (x) =>
      e.reason === 'Killing' ? true : !DELETES.test(x.message),
    );
  if (direct) return { is: 'event', event: direct };
  if (named && RUNS[e.kind] === named.kind) {
    // An event on a CronJob about one of its jobs joins that job's run, under the run's root.
    const runRoot = all.find((x) => namedChild(x)?.run && namedChild(x)?.name === named.name);
    return runRoot ? { is: 'event', event: runRoot } : { is: 'change-root' };
  }
  const seen = new Set<string>();
  for (let o = owners.get(key(e.kind, e.objName)); o; o = owners.get(key(o.kind, o.name))) {
    if (seen.has(key(o.kind, o.name))) break;
    seen.add(key(o.kind, o.name));
    const p = latestNamed(o, e, all);
    if (p) return { is: 'event', event: p };
  }
  return { is: 'change-root' };
}

export interface TraceExpectation {
  /** The events this trace must hold: one span each (a repeated event may have follow-on spans). */
  events: ClusterEvent[];
  /** Every event of the namespace (causes may lie outside this trace's events). */
  all: ClusterEvent[];
  owners: Map<string, ObjRef>;
  /** A synthesised root (`<manager> <Kind>.<operation>`), or the event that is the root. */
  root: { service: string; name: string; object: string } | { event: ClusterEvent };
  /** Zipkin lower-cases service and span names. */
  caseInsensitive?: boolean;
  /**
   * Events of an earlier trace that occurred again during this change: their later occurrences may
   * be follow-on spans here (with the same parent rule), not required.
   */
  repeatsFrom?: ClusterEvent[];
}

/** Everything wrong with `t` against the expectation; empty when the trace is exactly right. */
export function traceProblems(t: TraceView, x: TraceExpectation): string[] {
  const p: string[] = [];
  const norm = (s: string) => (x.caseInsensitive ? s.toLowerCase() : s);
  p.push(...connectivityProblems(t));
  for (const d of duplicateSpanIds(t)) p.push(`span id stored more than once: ${d}`);
  for (const d of duplicateContent(t)) p.push(`duplicate spans: ${d}`);

  const root = rootsOf(t)[0];
  if (root) {
    if ('event' in x.root) {
      if (eventUid(root) !== x.root.event.uid)
        p.push(`root is ${label(root)}, expected the span of ${describeEvent(x.root.event)}`);
    } else {
      if (norm(root.service) !== norm(x.root.service) || norm(root.name) !== norm(x.root.name))
        p.push(
          `root is "${root.service} ${root.name}", expected "${x.root.service} ${x.root.name}"`,
        );
      if (eventUid(root) !== undefined)
        p.push(`root ${label(root)} is an event span, expected a synthesised root`);
      if (root.tags['k8s.object.name'] !== x.root.object)
        p.push(`root is about ${root.tags['k8s.object.name']}, expected ${x.root.object}`);
    }
  }

  const byUid = new Map<string, SpanView[]>();
  for (const s of t.spans) {
    const uid = eventUid(s);
    if (uid === undefined) {
      if (s !== root) p.push(`span without k8s.event.uid that is not the root: ${label(s)}`);
      continue;
    }
    byUid.set(uid, [...(byUid.get(uid) ?? []), s]);
  }
  const expected = new Map(x.events.map((e) => [e.uid, e]));
  const repeats = new Map((x.repeatsFrom ?? []).map((e) => [e.uid, e]));
  for (const [uid, spans] of byUid)
    if (!expected.has(uid) && !repeats.has(uid)) {
      const e = x.all.find((a) => a.uid === uid);
      p.push(
        `unexpected span ${label(spans[0]!)}: ${e ? `event belongs elsewhere: ${describeEvent(e)}` : 'no such event in the namespace'}`,
      );
    }

  const checkSpans = (e: ClusterEvent, spans: SpanView[]) => {
    const what = describeEvent(e);
    for (const s of spans) {
      if (norm(s.name) !== norm(`${e.kind}.${e.reason}`)) p.push(`${what}: span name ${s.name}`);
      if (norm(s.service) !== norm(e.component)) p.push(`${what}: service ${s.service}`);
      if (s.tags['k8s.object.name'] !== e.objName)
        p.push(`${what}: k8s.object.name ${s.tags['k8s.object.name']}`);
      if (s.error !== (e.type === 'Warning')) p.push(`${what}: error status ${s.error}`);
    }
    const want = expectedParent(e, x.all, x.owners);
    for (const s of spans) {
      const parent = spanById(t, s.parentId);
      if (want.is === 'root-itself') {
        if (spans.indexOf(s) === 0 && s !== root)
          p.push(
            `${what}: expected to be the root, has parent ${parent ? label(parent) : s.parentId}`,
          );
        continue;
      }
      const wantText = want.is === 'change-root' ? 'the root' : describeEvent(want.event);
      const ok =
        want.is === 'change-root'
          ? parent !== undefined && parent === root
          : parent !== undefined && eventUid(parent) === want.event.uid;
      // A follow-on span of a root event hangs under that root (its first span).
      const followOnOfRoot = parent !== undefined && eventUid(parent) === e.uid && parent === root;
      if (!ok && !followOnOfRoot)
        p.push(
          `${what}: parent is ${parent ? label(parent) : `missing (${s.parentId ?? 'none'})`}, expected ${wantText}`,
        );
    }
  };

  for (const e of x.events) {
    const spans = byUid.get(e.uid) ?? [];
    if (spans.length === 0) {
      p.push(`missing: no span for ${describeEvent(e)}`);
      continue;
    }
    if (e.count === 1 && spans.length > 1)
      p.push(`${describeEvent(e)}: ${spans.length} spans for one occurrence`);
    if (e.count === 1 && spans[0]!.message !== e.message)
      p.push(`${describeEvent(e)}: message "${spans[0]!.message}"`);
    checkSpans(e, spans);
  }
  for (const e of repeats.values()) {
    const spans = byUid.get(e.uid) ?? [];
    if (spans.length > 0) checkSpans(e, spans);
  }
  return p;
}

/** The trace (of several) that holds the span of an event. */
export function traceWith(traces: TraceView[], uid: string): TraceView | undefined {
  return traces.find((t) => t.spans.some((s) => eventUid(s) === uid));
}

export function eventsText(events: ClusterEvent[]): string {
  return `cluster events (${events.length}):\n${events.map((e) => `  ${describeEvent(e)}`).join('\n')}`;
}
