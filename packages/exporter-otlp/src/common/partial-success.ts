import type { SendOutcome } from '@kspan/core';
import {
  JsonTraceSerializer,
  ProtobufTraceSerializer,
  type IExportTraceServiceResponse,
} from '@opentelemetry/otlp-transformer';

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
  let response: IExportTraceServiceResponse;
  try {
    response =
      encoding === 'json'
        ? JsonTraceSerializer.deserializeResponse(body)
        : ProtobufTraceSerializer.deserializeResponse(body);
  } catch {
    return { code: 'success' };
  }
  const partial = response?.partialSuccess;
  if (!partial) return { code: 'success' };
  // int64 arrives as a number from protobuf and as a string from JSON.
  const rejected = Math.min(batchSize, Math.max(0, Number(partial.rejectedSpans ?? 0) || 0));
  const message = partial.errorMessage ?? '';
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
