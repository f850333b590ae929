import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpPostTransport, type Clock, type ExportTransport } from '@kspan/core';
import { classifyZipkinReply } from './classify.js';
import { encodeZipkinSpans } from './encode.js';
import type { ZipkinSettings } from './settings.js';

const USER_AGENT = 'kspan-exporter-zipkin/0.1.0';

/** POSTs a JSON v2 span list per attempt (uncompressed); nothing is opened before the first one. */
export function zipkinTransport(
  settings: ZipkinSettings,
  clock: Clock,
): ExportTransport<ReadableSpan> {
  return new HttpPostTransport({ ...settings, compression: 'none', userAgent: USER_AGENT }, clock, {
    contentType: 'application/json',
    encode: (spans) => new TextEncoder().encode(JSON.stringify(encodeZipkinSpans(spans))),
    classify: (reply, _spans, nowMs) => classifyZipkinReply(reply, nowMs),
  });
}
