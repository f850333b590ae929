import type { KubeObject } from '@kspan/core';
import { eventName, isoMicros, isoSeconds, uid } from './ids.js';
import type { ObjRef } from './objects.js';
import type { Rng } from './prng.js';

// Event objects in the two API shapes, as the components that write them do.

export type EventType = 'Normal' | 'Warning';

/** Who reports a core/v1 Event (`source`, and since 1.19 also `reportingComponent`/`Instance`). */
export interface Reporter {
  component: string;
  /** kubelet only: the node. */
  host?: string;
}

export interface CoreEventSpec {
  involved: ObjRef;
  /** kubelet events about one container: `spec.containers{app}`. */
  fieldPath?: string;
  reason: string;
  message: string;
  type?: EventType;
  reporter: Reporter;
}

/** The manager that writes an Event, as it appears in the Event's managedFields. */
function eventManager(component: string): string {
  if (component === 'kubelet') return 'kubelet';
  if (component === 'default-scheduler') return 'kube-scheduler';
  return 'kube-controller-manager';
}

/**
 * One core/v1 Event object and its repeats. client-go's recorder turns an identical event into a
 * PATCH of the same object (count + 1, new lastTimestamp), which a watch delivers as MODIFIED.
 */
export class CoreEvent {
  readonly name: string;
  readonly uid: string;
  private count = 0;
  private firstMs: number;

  constructor(
    private readonly spec: CoreEventSpec,
    firstMs: number,
    rng: Rng,
  ) {
    this.name = eventName(spec.involved.name, firstMs, rng);
    this.uid = uid(rng);
    this.firstMs = firstMs;
  }

  get occurrences(): number {
    return this.count;
  }

  /** The object after one more occurrence at `timeMs`; ADDED the first time, MODIFIED after. */
  occur(timeMs: number, involvedRv: string): { type: 'ADDED' | 'MODIFIED'; object: KubeObject } {
    if (this.count === 0) this.firstMs = timeMs;
    this.count++;
    const s = this.spec;
    const involved: Record<string, unknown> = {
      apiVersion: s.involved.apiVersion,
      kind: s.involved.kind,
      name: s.involved.name,
      namespace: s.involved.namespace,
      uid: s.involved.uid,
      resourceVersion: involvedRv,
    };
    if (s.fieldPath) involved.fieldPath = s.fieldPath;
    const source: Record<string, string> = { component: s.reporter.component };
    if (s.reporter.host) source.host = s.reporter.host;
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: this.name,
        namespace: s.involved.namespace,
        uid: this.uid,
        creationTimestamp: isoSeconds(this.firstMs),
        managedFields: [
          {
            manager: eventManager(s.reporter.component),
            operation: 'Update',
            apiVersion: 'v1',
            time: isoSeconds(timeMs),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:count': {},
              'f:firstTimestamp': {},
              'f:involvedObject': {},
              'f:lastTimestamp': {},
              'f:message': {},
              'f:reason': {},
              'f:reportingComponent': {},
              'f:reportingInstance': {},
              'f:source': { 'f:component': {}, ...(s.reporter.host ? { 'f:host': {} } : {}) },
              'f:type': {},
            },
          },
        ],
      },
      involvedObject: involved,
      reason: s.reason,
      message: s.message,
      source,
      firstTimestamp: isoSeconds(this.firstMs),
      lastTimestamp: isoSeconds(timeMs),
      count: this.count,
      type: s.type ?? 'Normal',
      eventTime: null,
      reportingComponent: s.reporter.component,
      reportingInstance: s.reporter.host ?? '',
    };
    return { type: this.count === 1 ? 'ADDED' : 'MODIFIED', object };
  }
}

/**
 * The scheduler's events.k8s.io/v1 Event: `eventTime` (microseconds), `reportingController`,
 * `regarding`, `note`, `action`, and no `deprecated*Timestamp` / count.
 */
export function schedulerEvent(
  pod: ObjRef,
  podRv: string,
  node: string,
  timeMs: number,
  rng: Rng,
): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: eventName(pod.name, timeMs, rng),
      namespace: pod.namespace,
      uid: uid(rng),
      creationTimestamp: isoSeconds(timeMs),
      managedFields: [
        {
          manager: 'kube-scheduler',
          operation: 'Update',
          apiVersion: 'events.k8s.io/v1',
          time: isoSeconds(timeMs),
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:action': {},
            'f:eventTime': {},
            'f:note': {},
            'f:reason': {},
            'f:regarding': {},
            'f:reportingController': {},
            'f:reportingInstance': {},
            'f:type': {},
          },
        },
      ],
    },
    eventTime: isoMicros(timeMs, rng),
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-control-plane-0',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion: podRv,
    },
    note: `Successfully assigned ${pod.namespace}/${pod.name} to ${node}`,
    type: 'Normal',
  };
}
