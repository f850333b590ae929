// Kubernetes watch items for tests: owner objects (metadata only, as kspan watches them) and Events
// of both APIs, written the way the components that write them do. Times are seconds after a base
// time (`at`), or RFC 3339 strings used as they are.
import type { KubeObject, ManagedFieldsEntry, WatchEvent, WatchEventType } from '@kspan/core';

const BASE = Date.parse('2024-03-01T10:00:00Z');

/** RFC 3339 time `sec` seconds after the tests' base time (fractions give MicroTime precision). */
export function at(sec: number | string): string {
  if (typeof sec === 'string') return sec;
  const whole = Math.floor(sec);
  const iso = new Date(BASE + whole * 1000).toISOString().replace('.000Z', 'Z');
  if (sec === whole) return iso;
  const micros = String(Math.round((sec - whole) * 1e6)).padStart(6, '0');
  return iso.replace('Z', `.${micros}Z`);
}

let n = 0;
/** A fresh uid-looking string. */
export function uid(prefix = 'u'): string {
  n++;
  return `${prefix}-${n.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface ObjOptions {
  ns?: string;
  uid?: string;
  owner?: { kind: string; name: string; uid: string };
  generation?: number;
  /** The newest writer of spec: manager and time (seconds after base). */
  specWriter?: { manager: string; operation?: string; at: number; subresource?: string };
  annotations?: Record<string, string>;
  /** managedFields entries writing annotations: name → time (seconds after base). */
  annotationWriters?: Record<string, number>;
  type?: WatchEventType;
  observedAt?: number;
  apiVersion?: string;
  /** `metadata.creationTimestamp` (seconds after base). */
  created?: number;
  /** `metadata.deletionTimestamp` (seconds after base) and `deletionGracePeriodSeconds`. */
  deletion?: { at: number; grace?: number };
  /** `spec` as a status watch carries it (top-level kinds). */
  spec?: Record<string, unknown>;
  /** `status` as a status watch carries it (see `condition`, `podStatus`, `deploymentStatus`). */
  status?: Record<string, unknown>;
}

/** A status condition (issue 11 interface): times are seconds after base. */
export function condition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  transition: number,
  o: { reason?: string; message?: string; update?: number } = {},
): Record<string, unknown> {
  return {
    type,
    status,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.message ? { message: o.message } : {}),
    lastTransitionTime: at(transition),
    ...(o.update !== undefined ? { lastUpdateTime: at(o.update) } : {}),
  };
}

/**
 * A Pod's status as the receiver shrinks it: `phase` and the conditions reached so far — each
 * given as the second (after base) it became True.
 */
export function podStatus(steps: {
  scheduled?: number;
  initialized?: number;
  containersReady?: number;
  ready?: number;
}): Record<string, unknown> {
  const conditions: Record<string, unknown>[] = [];
  const add = (type: string, t: number | undefined) => {
    if (t !== undefined) conditions.push(condition(type, 'True', t));
  };
  add('PodScheduled', steps.scheduled);
  add('Initialized', steps.initialized);
  add('ContainersReady', steps.containersReady);
  add('Ready', steps.ready);
  return { phase: steps.ready !== undefined ? 'Running' : 'Pending', conditions };
}

/**
 * A Deployment's status: the generation observed, replica counts, and its `Progressing` condition
 * (reason, last update in seconds after base).
 */
export function deploymentStatus(o: {
  observedGeneration: number;
  replicas: number;
  updated?: number;
  ready?: number;
  available?: number;
  progressing: {
    reason: string;
    status?: 'True' | 'False';
    since: number;
    update: number;
    message?: string;
  };
  availableSince?: number;
}): Record<string, unknown> {
  const p = o.progressing;
  const conditions = [
    ...(o.availableSince !== undefined
      ? [
          condition('Available', 'True', o.availableSince, {
            reason: 'MinimumReplicasAvailable',
            update: o.availableSince,
          }),
        ]
      : []),
    condition('Progressing', p.status ?? 'True', p.since, {
      reason: p.reason,
      update: p.update,
      ...(p.message ? { message: p.message } : {}),
    }),
  ];
  return {
    observedGeneration: o.observedGeneration,
    replicas: o.replicas,
    updatedReplicas: o.updated ?? o.replicas,
    readyReplicas: o.ready ?? o.replicas,
    availableReplicas: o.available ?? o.ready ?? o.replicas,
    conditions,
  };
}

/** A watch event of a non-Event object (metadata is all causality reads). */
export function obj(kind: string, name: string, o: ObjOptions = {}): WatchEvent {
  const managedFields: ManagedFieldsEntry[] = [];
  if (o.specWriter)
    managedFields.push({
      manager: o.specWriter.manager,
      operation: o.specWriter.operation ?? 'Update',
      time: at(o.specWriter.at),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      ...(o.specWriter.subresource ? { subresource: o.specWriter.subresource } : {}),
    });
  for (const [ann, t] of Object.entries(o.annotationWriters ?? {}))
    managedFields.push({
      manager: 'ci',
      operation: 'Update',
      time: at(t),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:annotations': { [`f:${ann}`]: {} } } },
    });
  const object: KubeObject = {
    apiVersion:
      o.apiVersion ??
      (kind === 'Pod' || kind === 'Node'
        ? 'v1'
        : kind === 'Job' || kind === 'CronJob'
          ? 'batch/v1'
          : 'apps/v1'),
    kind,
    metadata: {
      name,
      ...(kind === 'Node' ? {} : { namespace: o.ns ?? 'default' }),
      uid: o.uid ?? uid(kind.toLowerCase()),
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
      ...(o.created !== undefined ? { creationTimestamp: at(o.created) } : {}),
      ...(o.deletion
        ? {
            deletionTimestamp: at(o.deletion.at),
            deletionGracePeriodSeconds: o.deletion.grace ?? 0,
          }
        : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: o.owner.kind,
                name: o.owner.name,
                uid: o.owner.uid,
                controller: true,
              },
            ],
          }
        : {}),
      ...(managedFields.length ? { managedFields } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    ...(o.spec ? { spec: o.spec } : {}),
    ...(o.status ? { status: o.status } : {}),
  };
  return watchItem(object, o.type, o.observedAt);
}

/** A watch item: `type` (default ADDED) and the time it was observed, if given. */
function watchItem(
  object: KubeObject,
  type: WatchEventType | undefined,
  observedAt?: number,
): WatchEvent {
  return {
    type: type ?? 'ADDED',
    object,
    ...(observedAt !== undefined ? { observedAt: at(observedAt) } : {}),
  };
}

/** An Event's name (`<object>.<the uid's end>`, as client-go's `<object>.<hex time>`), namespace and uid. */
function eventMeta(objectName: string, fallback: string, o: { uid?: string; ns?: string }) {
  return {
    name: `${objectName}.${(o.uid ?? fallback).slice(-8)}`,
    namespace: o.ns ?? 'default',
    uid: o.uid ?? uid('ev'),
  };
}

export const uidOf = (w: WatchEvent) => w.object.metadata!.uid as string;

export interface EventOptions {
  uid?: string;
  /** The Event's own name (default: `<object>.<the uid's last 8 characters>`). */
  name?: string;
  resourceVersion?: string;
  ns?: string;
  /** The involved object. */
  on: { kind: string; name: string; uid?: string; fieldPath?: string; ns?: string };
  reason: string;
  message: string;
  component: string;
  host?: string;
  type?: 'Normal' | 'Warning';
  /** The occurrence's time (seconds after base; whole seconds, as `lastTimestamp` has; or RFC 3339). */
  time: number | string;
  first?: number | string;
  count?: number;
  observedAt?: number;
  watch?: WatchEventType;
}

/** A core/v1 time: whole seconds. */
const wholeSeconds = (t: number | string) => at(typeof t === 'string' ? t : Math.floor(t));

/** A core/v1 Event, as the legacy recorder (controllers, kubelet) writes it. */
export function coreEvent(o: EventOptions): WatchEvent {
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: o.name ?? `${o.on.name}.${(o.uid ?? 'x').slice(-8)}`,
      namespace: o.ns ?? o.on.ns ?? 'default',
      uid: o.uid ?? uid('ev'),
      ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}),
      creationTimestamp: wholeSeconds(o.first ?? o.time),
    },
    involvedObject: {
      kind: o.on.kind,
      name: o.on.name,
      namespace: o.on.kind === 'Node' ? '' : (o.on.ns ?? o.ns ?? 'default'),
      ...(o.on.uid ? { uid: o.on.uid } : {}),
      ...(o.on.fieldPath ? { fieldPath: o.on.fieldPath } : {}),
    },
    reason: o.reason,
    message: o.message,
    source: { component: o.component, ...(o.host ? { host: o.host } : {}) },
    firstTimestamp: wholeSeconds(o.first ?? o.time),
    lastTimestamp: wholeSeconds(o.time),
    count: o.count ?? 1,
    type: o.type ?? 'Normal',
    eventTime: null,
    reportingComponent: o.component,
    reportingInstance: o.host ?? '',
  };
  return watchItem(object, o.watch, o.observedAt);
}

export interface NewEventOptions {
  uid?: string;
  ns?: string;
  regarding: { kind: string; name: string; uid?: string; ns?: string };
  related?: { kind: string; name: string; uid?: string; ns?: string };
  reason: string;
  note: string;
  controller: string;
  instance?: string;
  action?: string;
  type?: 'Normal' | 'Warning';
  /** eventTime (MicroTime; fractions kept). */
  time: number;
  series?: { count: number; last: number };
  observedAt?: number;
  watch?: WatchEventType;
}

/** An events.k8s.io/v1 Event, as the scheduler's events recorder writes it. */
export function newEvent(o: NewEventOptions): WatchEvent {
  const ref = (r: { kind: string; name: string; uid?: string; ns?: string }) => ({
    apiVersion: 'v1',
    kind: r.kind,
    name: r.name,
    namespace: r.ns ?? o.ns ?? 'default',
    ...(r.uid ? { uid: r.uid } : {}),
  });
  const object: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: eventMeta(o.regarding.name, 'y', o),
    eventTime: at(o.time),
    reportingController: o.controller,
    reportingInstance: o.instance ?? `${o.controller}-host`,
    action: o.action ?? 'Binding',
    reason: o.reason,
    regarding: ref(o.regarding),
    ...(o.related ? { related: ref(o.related) } : {}),
    note: o.note,
    type: o.type ?? 'Normal',
    ...(o.series ? { series: { count: o.series.count, lastObservedTime: at(o.series.last) } } : {}),
  };
  return watchItem(object, o.watch, o.observedAt);
}

/** A core/v1-written event read through events.k8s.io/v1: only the `deprecated*` fields carry it. */
export function coreViaNewApi(o: EventOptions): WatchEvent {
  const object: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { ...eventMeta(o.on.name, 'z', o), creationTimestamp: wholeSeconds(o.time) },
    eventTime: null,
    reportingController: o.component,
    reportingInstance: o.host ?? '',
    reason: o.reason,
    regarding: {
      kind: o.on.kind,
      name: o.on.name,
      namespace: o.on.ns ?? o.ns ?? 'default',
      ...(o.on.uid ? { uid: o.on.uid } : {}),
    },
    note: o.message,
    type: o.type ?? 'Normal',
    deprecatedSource: { component: o.component, ...(o.host ? { host: o.host } : {}) },
    deprecatedFirstTimestamp: wholeSeconds(o.first ?? o.time),
    deprecatedLastTimestamp: wholeSeconds(o.time),
    deprecatedCount: o.count ?? 1,
  };
  return watchItem(object, o.watch, o.observedAt);
}
