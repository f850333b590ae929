import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { OtlpJsonTraceRequest } from './otlp-json-types.js';
import { shareEqualResources } from './resource-grouping.js';

// The official serializers take the pipeline's ReadableSpans unchanged; these wrappers only fix up
// what the OTLP/JSON spec and the Collector's file format ask for beyond them.

/** One protobuf `ExportTraceServiceRequest` holding `spans` (the OTLP/gRPC and OTLP/HTTP body). */
export function encodeOtlpProtobuf(spans: readonly ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(shareEqualResources(spans)) ?? new Uint8Array(0);
}

/**
 * One OTLP/JSON `ExportTraceServiceRequest` holding `spans`, as the Collector's file exporter
 * writes it: lowerCamelCase keys, trace and span ids as hex, times as strings of nanoseconds,
 * enums as numbers, 64-bit integer attribute values as decimal strings.
 */
export function encodeOtlpJson(spans: readonly ReadableSpan[]): OtlpJsonTraceRequest {
  return JSON.parse(encodeOtlpJsonLine(spans)) as OtlpJsonTraceRequest;
}

const UTF8 = new TextDecoder();
/**
 * The serializer writes int64 attribute values as JSON numbers; the proto3 JSON mapping (and the
 * Collector) write them as strings, which also keeps them exact for readers with 53-bit numbers.
 * Every object key in this JSON is an OTLP field name (attribute keys are values of `key`), so
 * `"intValue":` before a number is always that field, never text inside a string. Rewriting the
 * text costs a fraction of parsing it with a reviver and stringifying it again (issue 15).
 */
const INT_VALUE_NUMBER = /"intValue":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** `encodeOtlpJson` as one line of text (no newline): the unit of the file exporter's output. */
export function encodeOtlpJsonLine(spans: readonly ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(shareEqualResources(spans));
  if (!bytes) return '{"resourceSpans":[]}';
  return UTF8.decode(bytes).replace(INT_VALUE_NUMBER, '"intValue":"$1"');
}
