import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpPostTransport, type Clock, type ExportTransport } from '@kspan/core';
import { encodeOtlpJsonBytes, encodeOtlpProtobuf } from '../encode.js';
import { USER_AGENT } from '../version.js';
import { classifyOtlpHttpReply } from './classify.js';
import type { OtlpHttpSettings } from './settings.js';

const CONTENT_TYPE = { proto: 'application/x-protobuf', json: 'application/json' } as const;

/** OTLP/HTTP: one POST per attempt, a protobuf or OTLP/JSON body (`encode.ts`). */
export function otlpHttpTransport(
  settings: OtlpHttpSettings,
  clock: Clock,
): ExportTransport<ReadableSpan> {
  const { encoding } = settings;
  return new HttpPostTransport({ ...settings, userAgent: USER_AGENT }, clock, {
    contentType: CONTENT_TYPE[encoding],
    encode: (spans) =>
      encoding === 'json' ? encodeOtlpJsonBytes(spans) : encodeOtlpProtobuf(spans),
    classify: (reply, spans, nowMs) => classifyOtlpHttpReply(reply, encoding, spans.length, nowMs),
  });
}
