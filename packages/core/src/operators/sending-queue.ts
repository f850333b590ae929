import { defer, finalize, type OperatorFunction } from 'rxjs';
import type { ComponentContext } from '../component.js';
import { parseDuration } from '../duration.js';
import type { SendingSettings } from './sending-settings.js';
import type { ExportResult } from '../items.js';
import { batch } from './batch.js';
import { exportBatches, type SendOutcome } from './send-with-retry.js';
import { openLedger, recordDone, skipDelivered } from './skip-delivered.js';

/**
 * The one way an exporter sends: batch by size and time, then send each batch with retry and a
 * bounded queue. One ExportResult per batch; never errors. With `storage` set, spans an earlier
 * run delivered are skipped and every batch done with is recorded (skip-delivered.ts).
 */
export function sendingQueue<T>(
  settings: SendingSettings,
  ctx: ComponentContext,
  send: (batch: T[], signal?: AbortSignal) => Promise<SendOutcome>,
): OperatorFunction<T, ExportResult> {
  // The Collector's otelcol_exporter_queue_size / _capacity, in spans (docs/metrics.md).
  const size = ctx.metrics.gauge(
    'exporter_queue_size',
    'Spans in the sending queue (waiting or in flight)',
  );
  ctx.metrics
    .gauge('exporter_queue_capacity', 'Most spans the sending queue holds')
    .set({}, settings.queue.size);
  size.set({}, 0);
  return (source) =>
    defer(() => {
      const ledger = settings.storage ? openLedger(settings.storage, ctx) : undefined;
      const exportOp = exportBatches<T>(send, {
        exporter: ctx.id,
        clock: ctx.clock,
        signal: ctx.signal,
        queueSize: settings.queue.size,
        concurrency: settings.queue.concurrency,
        onQueueSize: (n) => size.set({}, n),
        ...(ledger ? { onDone: recordDone(ledger) } : {}),
        retry: {
          enabled: settings.retry.enabled,
          initialIntervalMs: parseDuration(settings.retry.initial_interval),
          maxIntervalMs: parseDuration(settings.retry.max_interval),
          maxElapsedMs: parseDuration(settings.retry.max_elapsed),
        },
      });
      const batches = source.pipe(
        batch<T>({
          maxSize: settings.batch.max_size,
          timeoutMs: parseDuration(settings.batch.timeout),
          scheduler: ctx.clock.scheduler,
        }),
      );
      if (!ledger) return batches.pipe(exportOp);
      return batches.pipe(
        skipDelivered(ledger, ctx.id, exportOp),
        finalize(() => ledger.close()),
      );
    });
}
