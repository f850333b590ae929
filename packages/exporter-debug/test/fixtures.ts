// The renderer's spans in milliseconds, as @kspan/testing's spans (only what it reads matters).
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSpan } from '@kspan/testing';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

/** A finished span as the causality processor would emit it; short ids are zero-padded. */
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
  return makeSpan({
    traceId: opts.trace ?? TRACE,
    spanId: opts.id.padStart(16, '0'),
    ...(opts.parent ? { parentSpanId: opts.parent.padStart(16, '0') } : {}),
    name: opts.name,
    service: opts.service,
    startNs: ns(opts.startMs),
    durationNs: ns(opts.endMs - opts.startMs),
    status: { code: opts.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    attributes: opts.message ? { 'k8s.event.message': opts.message } : {},
  });
}
