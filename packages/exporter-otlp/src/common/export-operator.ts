import { defer, finalize, type OperatorFunction } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  sendingQueue,
  type ComponentContext,
  type Env,
  type ExportResult,
  type SendingSettings,
} from '@kspan/core';
import { instrumentedSend, type Attempt } from './attempt.js';

/** What an embedder may pass besides the config. */
export interface ExportOptions {
  /** Where `OTEL_EXPORTER_*` variables are read from; the process environment by default. */
  env?: Env;
}

/** A connection to a backend: nothing is opened before the first `attempt`; `close` frees it. */
export interface Transport {
  attempt(spans: ReadableSpan[], signal?: AbortSignal): Promise<Attempt>;
  close(): void;
}

/**
 * The exporter operator: one transport per subscription (made when the stream starts, so
 * `create()` stays free of I/O), core's batching/retry/queue around it, closed once drained.
 */
export function exportThrough(
  settings: SendingSettings,
  ctx: ComponentContext,
  makeTransport: () => Transport,
): OperatorFunction<ReadableSpan, ExportResult> {
  return (source) =>
    defer(() => {
      const transport = makeTransport();
      const send = instrumentedSend(ctx, (batch: ReadableSpan[], signal?: AbortSignal) =>
        transport.attempt(batch, signal),
      );
      return source.pipe(
        sendingQueue(settings, ctx, send),
        finalize(() => transport.close()),
      );
    });
}
