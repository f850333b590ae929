import { defer, finalize, type OperatorFunction } from 'rxjs';
import type { ComponentContext } from '../component.js';
import type { ExportResult } from '../items.js';
import { sendingQueue } from './sending-queue.js';
import type { SendingSettings } from './sending-settings.js';
import { instrumentedSend, type Attempt } from './instrumented-send.js';

/** A connection to a backend: nothing is opened before the first `attempt`; `close` frees it. */
export interface ExportTransport<T> {
  attempt(batch: T[], signal?: AbortSignal): Promise<Attempt>;
  close(): void;
}

/**
 * The exporter operator: one transport per subscription (made when the stream starts, so
 * `create()` stays free of I/O), core's batching/retry/queue around it, closed once drained.
 */
export function exportThrough<T>(
  settings: SendingSettings,
  ctx: ComponentContext,
  makeTransport: () => ExportTransport<T>,
): OperatorFunction<T, ExportResult> {
  return (source) =>
    defer(() => {
      const transport = makeTransport();
      const send = instrumentedSend(ctx, (batch: T[], signal?: AbortSignal) =>
        transport.attempt(batch, signal),
      );
      return source.pipe(
        sendingQueue(settings, ctx, send),
        finalize(() => transport.close()),
      );
    });
}
