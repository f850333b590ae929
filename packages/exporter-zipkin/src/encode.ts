import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
// The official OpenTelemetry → Zipkin conversion. The package exports it only from its build
// tree, so this import is pinned to exporter-zipkin 2.12.1 (see package.json); the test suite
// covers every field we rely on.
import { toZipkinSpan } from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import type { ZipkinSpan } from './zipkin-types.js';

const STATUS_CODE_TAG = 'otel.status_code';
const ERROR_TAG = 'error';
export const UNKNOWN_SERVICE = 'unknown_service';

/**
 * ReadableSpans → Zipkin JSON v2 spans. The official conversion, plus what the OpenTelemetry
 * Zipkin mapping asks and it leaves out: whole microseconds, an `error` tag on every error
 * status (empty when there is no description), array attributes as JSON lists, event
 * attributes in the annotation text. Links have no Zipkin equivalent and are left out.
 */
export function encodeZipkinSpans(spans: readonly ReadableSpan[]): ZipkinSpan[] {
  return spans.map(encodeZipkinSpan);
}

export function encodeZipkinSpan(span: ReadableSpan): ZipkinSpan {
  const serviceName = String(
    span.attributes['service.name'] ?? span.resource.attributes['service.name'] ?? UNKNOWN_SERVICE,
  );
  const z = toZipkinSpan(span, serviceName, STATUS_CODE_TAG, ERROR_TAG) as ZipkinSpan;

  z.timestamp = Math.round(z.timestamp);
  // Zipkin reads a duration of 0 as "unknown"; it asks for sub-microsecond ones to be rounded up.
  z.duration = Math.max(1, Math.round(z.duration));

  for (const attrs of [span.resource.attributes, span.attributes])
    for (const [key, value] of Object.entries(attrs))
      if (Array.isArray(value)) z.tags[key] = JSON.stringify(value);

  if (span.status.code === SpanStatusCode.ERROR) z.tags[ERROR_TAG] = span.status.message ?? '';
  else if (z.tags[ERROR_TAG] === 'false') delete z.tags[ERROR_TAG]; // Zipkin reads any `error` as failed

  if (span.events.length > 0)
    z.annotations = span.events.map((event, i) => ({
      timestamp: Math.round(z.annotations?.[i]?.timestamp ?? 0),
      value: annotationText(event.name, event.attributes),
    }));
  return z;
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
