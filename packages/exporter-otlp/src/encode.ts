import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OtlpJsonTraceRequest } from './otlp-json-types.js';
import { otlpJsonBytes, otlpJsonText } from './encoding/json-writer.js';
import { writeOtlpProtobuf } from './encoding/proto-writer.js';

// Our own writers for the spans' shape (issue 15): they produce what the official serializers of
// @opentelemetry/otlp-transformer produce — protobuf byte for byte, OTLP/JSON text for text but
// int64 values as strings — at a fraction of the cost; the tests compare them on every
// conformance case and a generated workload (see README, "How the encoders are tested").

/** One protobuf `ExportTraceServiceRequest` holding `spans` (the OTLP/gRPC and OTLP/HTTP body). */
export function encodeOtlpProtobuf(spans: readonly ReadableSpan[]): Uint8Array {
  return writeOtlpProtobuf(spans);
}

/**
 * One OTLP/JSON `ExportTraceServiceRequest` holding `spans`, as the Collector's file exporter
 * writes it: lowerCamelCase keys, trace and span ids as hex, times as strings of nanoseconds,
 * enums as numbers, 64-bit integer attribute values as decimal strings.
 */
export function encodeOtlpJson(spans: readonly ReadableSpan[]): OtlpJsonTraceRequest {
  return JSON.parse(encodeOtlpJsonLine(spans)) as OtlpJsonTraceRequest;
}

/** `encodeOtlpJson` as one line of text (no newline): the unit of the file exporter's output. */
export function encodeOtlpJsonLine(spans: readonly ReadableSpan[]): string {
  return otlpJsonText(spans);
}

/** `encodeOtlpJsonLine` as UTF-8 bytes followed by `end` (a newline for a line of a file). */
export function encodeOtlpJsonBytes(spans: readonly ReadableSpan[], end = ''): Uint8Array {
  return otlpJsonBytes(spans, end);
}
