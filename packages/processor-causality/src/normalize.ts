import {
  eventTimeValue,
  isRecord,
  PLAUSIBLE_TIME_US,
  type ClusterIdentity,
  type KubeObject,
} from '@kspan/core';
import type { Interner } from './intern.js';
import { parseTime, TimeMemo } from './time.js';

/** A reference to an object, as an Event's `involvedObject`/`regarding`/`related` carries it. */
export interface ObjRef {
  kind: string;
  namespace: string;
  name: string;
  /** Empty when the reference has none (e.g. Flux's events). */
  uid: string;
  apiVersion: string;
  /** `spec.containers{name}` for kubelet container events, else empty. */
  fieldPath: string;
}

/**
 * One Event, whichever API it was written and read through, reduced to what causality and the
 * span need. Strings are the parsed JSON's own (no copies); small repeated ones are interned.
 */
export interface NormEvent {
  uid: string;
  name: string;
  namespace: string;
  regarding: ObjRef;
  related: ObjRef | undefined;
  reason: string;
  message: string;
  type: string;
  action: string;
  /** `source.component`, else `reportingComponent` (core/v1 JSON name) / `reportingController`. */
  component: string;
  instance: string;
  /** The occurrence this item shows: `series.count`, else `count`/`deprecatedCount`, else 1. */
  count: number;
  /** When this occurrence happened (µs). */
  t: number;
  coarse: boolean;
  /** When the receiver saw it (µs): `observedAt`, else `t`. */
  obs: number;
  /** Container name from the fieldPath, for kubelet container events. */
  container: string;
  /** The cluster of the watch event it came in (set by the engine, not by `normalizeEvent`). */
  cluster?: ClusterIdentity;
}

export type DropReason =
  | 'not_an_object'
  | 'no_involved_object'
  | 'bad_time'
  | 'no_time'
  | 'implausible_time'
  | 'bad_object'
  | 'internal_error';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;

/**
 * The container a kubelet event's fieldPath names: `spec.containers{web}` (or `initContainers`,
 * `ephemeralContainers`) → `web`, else ''. By hand rather than a regex: it runs for every event.
 */
function containerOf(fieldPath: string): string {
  if (
    !fieldPath.startsWith('containers{', 5) &&
    !fieldPath.startsWith('initContainers{', 5) &&
    !fieldPath.startsWith('ephemeralContainers{', 5)
  )
    return '';
  if (!fieldPath.startsWith('spec.')) return '';
  const open = fieldPath.indexOf('{', 5);
  const close = fieldPath.indexOf('}', open + 1);
  return close > open + 1 ? fieldPath.slice(open + 1, close) : '';
}

/** Kinds without a namespace: their keys always use the empty namespace. */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  'Node',
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'VolumeAttachment',
  'CSINode',
  'CSIDriver',
]);

/**
 * An event time is plausible inside core's span-time range and, when the item says when it was
 * observed, no further than `maxSkewUs` from that (either way: late relists, skewed node clocks).
 */
function plausible(tUs: number, observedUs: number | undefined, maxSkewUs: number): boolean {
  if (tUs < PLAUSIBLE_TIME_US.min || tUs >= PLAUSIBLE_TIME_US.max) return false;
  return observedUs === undefined || Math.abs(tUs - observedUs) <= maxSkewUs;
}

function objRef(v: unknown, fallbackNs: string, interner: Interner): ObjRef | undefined {
  if (!isRecord(v)) return undefined;
  const kind = str(v.kind);
  const name = str(v.name);
  if (!kind || !name) return undefined;
  const ns = CLUSTER_SCOPED.has(kind) ? '' : str(v.namespace) || fallbackNs;
  return {
    kind: interner.intern(kind),
    namespace: interner.intern(ns),
    name,
    uid: str(v.uid),
    apiVersion: interner.intern(str(v.apiVersion)),
    fieldPath: str(v.fieldPath),
  };
}

/** Event times, by core's one rule (`eventTimeValue`), each text parsed once in a row. */
const eventTimes = new TimeMemo();

/**
 * Reads an Event of core/v1 or events.k8s.io/v1 (or one written through one API and read through the
 * other). Returns a drop reason instead of throwing on bad input.
 */
export function normalizeEvent(
  o: KubeObject,
  observedAt: string | undefined,
  interner: Interner,
  /** `max_time_skew` (µs): how far an event's time may be from its observation. */
  maxSkewUs: number,
): NormEvent | DropReason {
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const namespace = str(meta.namespace);
  const regarding =
    objRef(o.involvedObject, namespace, interner) ?? objRef(o.regarding, namespace, interner);
  if (!regarding) return 'no_involved_object';

  // The occurrence's time by core's one rule (the receiver's max_age uses the same); a present but
  // unparsable time drops the item rather than being guessed.
  let time = eventTimes.parse(eventTimeValue(o));
  if (time === null) return 'bad_time';
  const seen = parseTime(observedAt);
  if (seen === null) return 'bad_time';
  if (!time) {
    if (!seen) return 'no_time';
    time = seen;
  }
  // A clock years off (1970, 9999) would stretch a trace over decades or overflow OTLP's time.
  if (!plausible(time.us, seen ? seen.us : undefined, maxSkewUs)) return 'implausible_time';

  const source = isRecord(o.source)
    ? o.source
    : isRecord(o.deprecatedSource)
      ? o.deprecatedSource
      : {};
  const component =
    str(source.component) ||
    str(o.reportingComponent) ||
    str(o.reportingController) ||
    (isRecord(o.deprecatedSource) ? str(o.deprecatedSource.component) : '') ||
    'unknown';
  const instance = str(source.host) || str(o.reportingInstance);
  const series = isRecord(o.series) ? o.series : undefined;
  const count = num(series?.count) ?? num(o.count) ?? num(o.deprecatedCount) ?? 1;
  const name = str(meta.name);
  // Held with the event (a slice would keep its fieldPath): few distinct names, one copy each.
  const container = interner.intern(containerOf(regarding.fieldPath));

  return {
    uid: str(meta.uid) || `${namespace}/${name}`,
    name,
    namespace: interner.intern(namespace),
    regarding,
    related: objRef(o.related, namespace, interner),
    reason: interner.intern(str(o.reason)),
    message: str(o.message) || str(o.note),
    type: interner.intern(str(o.type) || 'Normal'),
    action: interner.intern(str(o.action)),
    component: interner.intern(component),
    instance: interner.intern(instance),
    count,
    t: time.us,
    coarse: time.coarse,
    obs: seen ? seen.us : time.us,
    container,
  };
}

/**
 * Key of an object in every index: kind, namespace and name (uids are not always known). Joined
 * rather than concatenated: `+` makes a tree of string pieces (~100 B more per key, and kept, as
 * every tracked object and held event keeps its key); `join` makes one flat string.
 */
export function objKey(kind: string, namespace: string, name: string): string {
  return [kind, CLUSTER_SCOPED.has(kind) ? '' : namespace, name].join('/');
}
