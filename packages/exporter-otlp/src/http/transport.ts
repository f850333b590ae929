import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpPoster, HttpSendError, classifyNetworkError, type Clock } from '@kspan/core';
import type { Attempt } from '../common/attempt.js';
import type { Transport } from '../common/export-operator.js';
import { encodeOtlpJsonLine, encodeOtlpProtobuf } from '../encode.js';
import { USER_AGENT } from '../version.js';
import { classifyOtlpHttpReply } from './classify.js';
import type { OtlpHttpSettings } from './settings.js';

const CONTENT_TYPE = { proto: 'application/x-protobuf', json: 'application/json' } as const;

/** OTLP/HTTP: one POST per attempt, protobuf or OTLP/JSON from the official serializers. */
export class OtlpHttpTransport implements Transport {
  private readonly poster: HttpPoster;

  constructor(
    private readonly settings: OtlpHttpSettings,
    private readonly clock: Clock,
  ) {
    this.poster = new HttpPoster(
      {
        url: settings.url,
        headers: settings.headers,
        timeoutMs: settings.timeoutMs,
        compression: settings.compression,
        tls: settings.tls,
        userAgent: USER_AGENT,
      },
      clock,
    );
  }

  async attempt(spans: ReadableSpan[], signal?: AbortSignal): Promise<Attempt> {
    const { encoding } = this.settings;
    const body =
      encoding === 'json'
        ? new TextEncoder().encode(encodeOtlpJsonLine(spans))
        : encodeOtlpProtobuf(spans);
    try {
      const reply = await this.poster.post(body, CONTENT_TYPE[encoding], signal);
      return {
        outcome: classifyOtlpHttpReply(reply, encoding, spans.length, this.clock.now()),
        status: String(reply.status),
        bytes: body.length,
      };
    } catch (err) {
      return {
        outcome: classifyNetworkError(err),
        status: err instanceof HttpSendError ? err.code : 'error',
        bytes: body.length,
      };
    }
  }

  close(): void {
    this.poster.close();
  }
}
