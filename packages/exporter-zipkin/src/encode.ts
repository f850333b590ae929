import { SpanKind, SpanStatusCode, type AttributeValue, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ZipkinSpan } from './zipkin-types.js';

const STATUS_CODE_TAG = 'otel.status_code';
const ERROR_TAG = 'error';
export const UNKNOWN_SERVICE = 'unknown_service';

/** Zipkin has no kind for internal spans: the field is left out. */
const KINDS: Partial<Record<SpanKind, ZipkinSpan['kind']>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** [seconds, nanoseconds] → whole microseconds. */
const micros = (t: HrTime): number => Math.round(t[0] * 1e6 + t[1] / 1e3);

/**
 * ReadableSpans → Zipkin JSON v2 spans, following the OpenTelemetry → Zipkin mapping
 * (the specification's "Zipkin" exporter section): whole microseconds, attributes and resource
 * attributes as string tags (arrays as JSON lists), `otel.status_code` and an `error` tag on every
 * error status (empty when there is no description), dropped counts as `otel.dropped_*` tags,
 * events as annotations with their attributes in the text. Links have no Zipkin equivalent.
 */
export function encodeZipkinSpans(spans: readonly ReadableSpan[]): ZipkinSpan[] {
  return spans.map(encodeZipkinSpan);
}

export function encodeZipkinSpan(span: ReadableSpan): ZipkinSpan {
  const serviceName = String(
    span.attributes['service.name'] ?? span.resource.attributes['service.name'] ?? UNKNOWN_SERVICE,
  );
  const z: ZipkinSpan = {
    traceId: span.spanContext().traceId,
    id: span.spanContext().spanId,
    name: span.name,
    timestamp: micros(span.startTime),
    // Zipkin reads a duration of 0 as "unknown"; it asks for sub-microsecond ones to be rounded up.
    duration: Math.max(1, micros(span.duration)),
    localEndpoint: { serviceName },
    tags: zipkinTags(span),
  };
  const parentId = span.parentSpanContext?.spanId;
  if (parentId) z.parentId = parentId;
  const kind = KINDS[span.kind];
  if (kind) z.kind = kind;
  if (span.events.length > 0)
    z.annotations = span.events.map((event) => ({
      timestamp: micros(event.time),
      value: annotationText(event.name, event.attributes),
    }));
  return z;
}

/** Span attributes, then resource attributes (which win on a shared key), status, dropped counts. */
function zipkinTags(span: ReadableSpan): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const attrs of [span.attributes, span.resource.attributes])
    for (const [key, value] of Object.entries(attrs))
      if (value !== undefined)
        tags[key] = Array.isArray(value) ? JSON.stringify(value) : String(value);
  if (span.status.code !== SpanStatusCode.UNSET)
    tags[STATUS_CODE_TAG] = span.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK';
  if (span.status.code === SpanStatusCode.ERROR) tags[ERROR_TAG] = span.status.message ?? '';
  else if (tags[ERROR_TAG] === 'false') delete tags[ERROR_TAG]; // Zipkin reads any `error` as failed
  const dropped = {
    'otel.dropped_attributes_count': span.droppedAttributesCount,
    'otel.dropped_events_count': span.droppedEventsCount,
    'otel.dropped_links_count': span.droppedLinksCount,
  };
  for (const [key, n] of Object.entries(dropped)) if (n) tags[key] = String(n);
  return tags;
}

/** `name`, or `"name": {"key":"value"}` when the event has attributes (the spec's format). */
function annotationText(
  name: string,
  attributes: Record<string, AttributeValue | undefined> | undefined,
): string {
  const entries = Object.entries(attributes ?? {}).filter(([, v]) => v !== undefined);
  return entries.length === 0
    ? name
    : `${JSON.stringify(name)}: ${JSON.stringify(Object.fromEntries(entries))}`;
}
