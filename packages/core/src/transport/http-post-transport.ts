import type { Clock } from '../clock.js';
import type { SendOutcome } from '../operators/send-with-retry.js';
import type { ExportTransport } from '../operators/export-through.js';
import type { Attempt } from '../operators/instrumented-send.js';
import { classifyNetworkError } from './http-outcome.js';
import { HttpPoster, HttpSendError, type HttpPostSettings, type HttpReply } from './http-post.js';

/** What an HTTP protocol adds to the POSTing: its body and how it reads an answer. */
export interface HttpProtocol<T> {
  contentType: string;
  /** May throw (a span the encoder cannot take): `instrumentedSend` fails that batch alone. */
  encode(batch: T[]): Uint8Array;
  /** A received answer → outcome; `nowMs` (the component's clock) is for Retry-After dates. */
  classify(reply: HttpReply, batch: T[], nowMs: number): SendOutcome;
}

/**
 * An exporter transport that POSTs each attempt (otlp_http, zipkin). A failure without an answer
 * is judged by core's network rules; the status label is the HTTP status or the network code.
 */
export class HttpPostTransport<T> implements ExportTransport<T> {
  private readonly poster: HttpPoster;

  constructor(
    settings: HttpPostSettings,
    private readonly clock: Clock,
    private readonly protocol: HttpProtocol<T>,
  ) {
    this.poster = new HttpPoster(settings, clock);
  }

  async attempt(batch: T[], signal?: AbortSignal): Promise<Attempt> {
    const body = this.protocol.encode(batch);
    try {
      const reply = await this.poster.post(body, this.protocol.contentType, signal);
      return {
        outcome: this.protocol.classify(reply, batch, this.clock.now()),
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
