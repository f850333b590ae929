import type { SendOutcome } from '@kspan/core';
import { fields } from './proto-fields.js';

/** `ExportTraceServiceResponse.partial_success`, as far as it is there. */
interface PartialSuccess {
  rejectedSpans?: unknown;
  errorMessage?: unknown;
}

// Read here rather than with @opentelemetry/otlp-transformer's deserializers: that package (with
// the metrics SDK it loads) took ~100 ms of every kspan start for these two fields.

/** From the protobuf response: field 1 `partial_success` {1 `rejected_spans`, 2 `error_message`}. */
function fromProtobuf(body: Uint8Array): PartialSuccess | undefined {
  let partial: PartialSuccess | undefined;
  for (const f of fields(body)) {
    if (f.no !== 1 || !f.bytes) continue;
    partial ??= {};
    for (const p of fields(f.bytes)) {
      if (p.no === 1 && p.varint !== undefined)
        partial.rejectedSpans = Number(BigInt.asIntN(64, p.varint));
      else if (p.no === 2 && p.bytes) partial.errorMessage = new TextDecoder().decode(p.bytes);
    }
  }
  return partial;
}

/** From the OTLP/JSON response: lowerCamelCase names, or the proto names (proto3 JSON takes both). */
function fromJson(body: Uint8Array): PartialSuccess | undefined {
  const response: unknown = JSON.parse(new TextDecoder().decode(body));
  if (typeof response !== 'object' || response === null) return undefined;
  const r = response as Record<string, unknown>;
  const p = (r.partialSuccess ?? r.partial_success) as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) return undefined;
  return {
    rejectedSpans: p.rejectedSpans ?? p.rejected_spans,
    errorMessage: p.errorMessage ?? p.error_message,
  };
}

/**
 * The outcome of an accepted request from its ExportTraceServiceResponse. Rejected spans are
 * reported (never retried, as the spec says); a message with nothing rejected is a warning. A body
 * that does not decode still means the request was accepted.
 */
export function acceptedOutcome(
  body: Uint8Array | undefined,
  encoding: 'proto' | 'json',
  batchSize: number,
): SendOutcome {
  if (!body || body.length === 0) return { code: 'success' };
  let partial: PartialSuccess | undefined;
  try {
    partial = encoding === 'json' ? fromJson(body) : fromProtobuf(body);
  } catch {
    return { code: 'success' };
  }
  if (!partial) return { code: 'success' };
  // int64 arrives as a number from protobuf and as a string from JSON.
  const rejected = Math.min(batchSize, Math.max(0, Number(partial.rejectedSpans ?? 0) || 0));
  const message = typeof partial.errorMessage === 'string' ? partial.errorMessage : '';
  if (rejected === 0 && !message) return { code: 'success' };
  return {
    code: 'success',
    rejected,
    error: new Error(
      rejected > 0
        ? `backend rejected ${rejected} of ${batchSize} spans${message ? `: ${message}` : ''}`
        : `backend warning: ${message}`,
    ),
  };
}
