// Attribute value length limits, after the OpenTelemetry SDK's span limits
// (`attribute_value_length_limit`, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT): a string value longer than
// the limit keeps its first `limit` characters; each string of an array is cut the same way; other
// values are left alone. One huge Event message would otherwise make a span no backend takes
// (gRPC's 4 MiB message limit) and cost its whole batch.
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ComponentContext } from './component.js';

/**
 * Default longest string value in characters: far above the messages Kubernetes components write
 * (the API server caps an events.k8s.io note at 1 KiB), far below what fails a request.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 8192;

/** `text` cut to `limit` characters, never inside a surrogate pair. */
export function truncateString(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose pair is cut off
  return text.slice(0, end);
}

/** A value cut to the limit, or undefined when it is within it. */
function truncatedValue(value: AttributeValue, limit: number): AttributeValue | undefined {
  if (typeof value === 'string') {
    return value.length > limit ? truncateString(value, limit) : undefined;
  }
  if (!Array.isArray(value) || !value.some((v) => typeof v === 'string' && v.length > limit))
    return undefined;
  return (value as unknown[]).map((v) =>
    typeof v === 'string' ? truncateString(v, limit) : v,
  ) as AttributeValue;
}

/** Cuts every string value of `attributes` to `limit` in place; returns how many values it cut. */
export function limitAttributes(attributes: Attributes | undefined, limit: number): number {
  if (!attributes) return 0;
  let cut = 0;
  // for-in, not Object.keys: no array per span (attributes are plain objects, nothing inherited).
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const truncated = truncatedValue(value, limit);
    if (truncated === undefined) continue;
    attributes[key] = truncated;
    cut++;
  }
  return cut;
}

/**
 * Applies the limit to a finished span in place: its attributes, its span events' and links'
 * attributes (Zipkin's annotations), and its status message (a Warning's message is there too).
 * Returns how many values it cut. For spans that nothing else holds yet (just built).
 */
export function limitSpanValues(span: ReadableSpan, limit: number): number {
  let cut = limitAttributes(span.attributes, limit);
  for (const event of span.events) cut += limitAttributes(event.attributes, limit);
  for (const link of span.links) cut += limitAttributes(link.attributes, limit);
  const message = span.status.message;
  if (message !== undefined && message.length > limit) {
    span.status.message = truncateString(message, limit);
    cut++;
  }
  return cut;
}

/**
 * The limit as a per-span step for a component that builds spans: cuts what is too long and counts
 * it in `kspan_span_values_truncated_total`.
 */
export function spanValueLimiter(
  ctx: Pick<ComponentContext, 'metrics'>,
  limit: number,
): (span: ReadableSpan) => ReadableSpan {
  const truncated = ctx.metrics.counter(
    'span_values_truncated_total',
    'Attribute values and status messages cut to attribute_value_length_limit',
  );
  return (span) => {
    const cut = limitSpanValues(span, limit);
    if (cut > 0) truncated.inc({}, cut);
    return span;
  };
}
