// Real ReadableSpans (the shape the causality processor emits) for the exporter tests.
import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const ROOT_ID = 'eee19b7ec3c1b174';
export const RS_ID = 'eee19b7ec3c1b173';
export const POD_ID = 'eee19b7ec3c1b172';

/** ns since the epoch → HrTime */
export function hr(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

export interface SpanSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service?: string;
  startNs: bigint;
  durationNs?: bigint;
  kind?: SpanKind;
  attributes?: Attributes;
  events?: TimedEvent[];
  links?: ReadableSpan['links'];
  status?: ReadableSpan['status'];
}

const resources = new Map<string, ReturnType<typeof resourceFromAttributes>>();
function resourceFor(service: string) {
  let r = resources.get(service);
  if (!r) {
    r = resourceFromAttributes({ 'service.name': service, 'k8s.cluster.name': 'test' });
    resources.set(service, r);
  }
  return r;
}

export function makeSpan(spec: SpanSpec): ReadableSpan {
  const traceId = spec.traceId ?? TRACE_ID;
  const durationNs = spec.durationNs ?? 1_500_000n;
  return {
    name: spec.name,
    kind: spec.kind ?? SpanKind.INTERNAL,
    spanContext: () => ({ traceId, spanId: spec.spanId, traceFlags: TraceFlags.SAMPLED }),
    ...(spec.parentSpanId
      ? {
          parentSpanContext: {
            traceId,
            spanId: spec.parentSpanId,
            traceFlags: TraceFlags.SAMPLED,
          },
        }
      : {}),
    startTime: hr(spec.startNs),
    endTime: hr(spec.startNs + durationNs),
    duration: hr(durationNs),
    status: spec.status ?? { code: SpanStatusCode.UNSET },
    attributes: spec.attributes ?? {},
    links: spec.links ?? [],
    events: spec.events ?? [],
    ended: true,
    resource: resourceFor(spec.service ?? 'deployment-controller'),
    instrumentationScope: { name: 'kspan', version: '0.1.0' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** 2024-05-01T10:00:00.123456789Z */
export const T0 = 1_714_557_600_123_456_789n;

/** A rollout: Deployment → ReplicaSet → Pod, two services, events, a link and an error. */
export function sampleTrace(): ReadableSpan[] {
  return [
    makeSpan({
      spanId: ROOT_ID,
      name: 'Deployment.ScalingReplicaSet',
      startNs: T0,
      durationNs: 3_000_000_000n,
      attributes: {
        'k8s.namespace.name': 'default',
        'k8s.deployment.name': 'web',
        'k8s.event.count': 2,
        'k8s.event.ratio': 0.5,
        'k8s.event.warning': false,
      },
    }),
    makeSpan({
      spanId: RS_ID,
      parentSpanId: ROOT_ID,
      name: 'ReplicaSet.SuccessfulCreate',
      service: 'replicaset-controller',
      startNs: T0 + 100_000_000n,
      durationNs: 2_000_000_000n,
      attributes: { 'k8s.replicaset.name': 'web-7d4b9c', 'k8s.event.reason': 'SuccessfulCreate' },
      events: [
        {
          name: 'occurrence',
          time: hr(T0 + 200_000_000n),
          attributes: { 'k8s.event.count': 1 },
        },
      ],
      links: [
        {
          context: { traceId: TRACE_ID, spanId: POD_ID, traceFlags: TraceFlags.SAMPLED },
          attributes: { 'link.kind': 'created' },
        },
      ],
    }),
    makeSpan({
      spanId: POD_ID,
      parentSpanId: RS_ID,
      name: 'Pod.FailedScheduling',
      service: 'default-scheduler',
      startNs: T0 + 300_000_000n,
      attributes: { 'k8s.pod.name': 'web-7d4b9c-x2x9z', 'k8s.event.type': 'Warning' },
      status: { code: SpanStatusCode.ERROR, message: '0/3 nodes are available' },
    }),
  ];
}
