import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** A finished span as the causality processor would emit it (only what the renderer reads matters). */
export function span(opts: {
  id: string;
  parent?: string;
  name: string;
  service: string;
  startMs: number;
  endMs: number;
  message?: string;
  error?: boolean;
  trace?: string;
}): ReadableSpan {
  const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1e6];
  const traceId = opts.trace ?? TRACE;
  return {
    name: opts.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => ({
      traceId,
      spanId: opts.id.padStart(16, '0'),
      traceFlags: TraceFlags.SAMPLED,
    }),
    ...(opts.parent
      ? {
          parentSpanContext: {
            traceId,
            spanId: opts.parent.padStart(16, '0'),
            traceFlags: TraceFlags.SAMPLED,
          },
        }
      : {}),
    startTime: hr(opts.startMs),
    endTime: hr(opts.endMs),
    duration: hr(opts.endMs - opts.startMs),
    status: { code: opts.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    attributes: opts.message ? { 'k8s.event.message': opts.message } : {},
    links: [],
    events: [],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': opts.service }),
    instrumentationScope: { name: 'kspan-test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
