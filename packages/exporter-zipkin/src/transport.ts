import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  HttpPoster,
  HttpSendError,
  classifyNetworkError,
  type Clock,
  type SendOutcome,
} from '@kspan/core';
import { classifyZipkinReply } from './classify.js';
import { encodeZipkinSpans } from './encode.js';
import type { ZipkinSettings } from './settings.js';

const USER_AGENT = 'kspan-exporter-zipkin/0.1.0';

/** One try at one batch: the outcome, and the HTTP status or network error code (a metric label). */
export interface ZipkinAttempt {
  outcome: SendOutcome;
  status: string;
  bytes: number;
}

/** POSTs a JSON v2 span list per attempt; nothing is opened before the first one. */
export class ZipkinTransport {
  private readonly poster: HttpPoster;

  constructor(
    settings: ZipkinSettings,
    private readonly clock: Clock,
  ) {
    this.poster = new HttpPoster(
      {
        url: settings.url,
        headers: settings.headers,
        timeoutMs: settings.timeoutMs,
        compression: 'none',
        tls: settings.tls,
        userAgent: USER_AGENT,
      },
      clock,
    );
  }

  async attempt(spans: ReadableSpan[], signal?: AbortSignal): Promise<ZipkinAttempt> {
    let body: Uint8Array;
    try {
      body = new TextEncoder().encode(JSON.stringify(encodeZipkinSpans(spans)));
    } catch (err) {
      // A span the encoder cannot take: this batch fails, the stream goes on.
      return { outcome: { code: 'failure', error: err as Error }, status: 'error', bytes: 0 };
    }
    try {
      const reply = await this.poster.post(body, 'application/json', signal);
      return {
        outcome: classifyZipkinReply(reply, this.clock.now()),
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
