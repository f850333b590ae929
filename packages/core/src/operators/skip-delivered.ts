// The sending queue's side of the delivery ledger: spans an earlier run of kspan delivered are not
// sent again (a restart relists the cluster and derives the same span ids), and every batch this
// run is done with is recorded.
import { join } from 'node:path';
import { defer, filter, map, merge, Subject, tap, type OperatorFunction } from 'rxjs';
import type { ComponentContext } from '../component.js';
import { parseDuration } from '../duration.js';
import type { ExportResult } from '../items.js';
import { DeliveryLedger } from '../ledger/delivery-ledger.js';
import type { StorageSettings } from './sending-settings.js';

/** The `reason` of spans not sent because an earlier run delivered them. */
export const ALREADY_EXPORTED = 'already_exported';

interface SpanIds {
  traceId: string;
  spanId: string;
}

/** A span's ids, or undefined for an item that is not a span (it is then neither skipped nor recorded). */
function spanIds(item: unknown): SpanIds | undefined {
  const context = (item as { spanContext?: unknown } | null)?.spanContext;
  if (typeof context !== 'function') return undefined;
  const ids = (context as () => Partial<SpanIds>).call(item);
  return typeof ids.traceId === 'string' && typeof ids.spanId === 'string'
    ? { traceId: ids.traceId, spanId: ids.spanId }
    : undefined;
}

/** The ledger file of one exporter in the storage directory (ids such as `otlp/jaeger` escaped). */
export function ledgerFile(storage: StorageSettings, exporterId: string): string {
  return join(storage.directory, `${encodeURIComponent(exporterId)}.ledger`);
}

/** Opens the exporter's ledger (at subscription: `create()` does no I/O), with its telemetry. */
export function openLedger(storage: StorageSettings, ctx: ComponentContext): DeliveryLedger {
  const writeFailures = ctx.metrics.counter(
    'exporter_ledger_write_failures_total',
    'Failed writes to the delivery ledger (those span ids may be sent again after a restart)',
  );
  writeFailures.inc({}, 0);
  const writeLog = ctx.logger.rateLimited(`${ctx.id}:ledger-write`);
  const ledger = DeliveryLedger.open({
    file: ledgerFile(storage, ctx.id),
    ttlMs: parseDuration(storage.ttl),
    maxEntries: storage.max_entries,
    now: () => ctx.clock.now(),
    onWarning: (message) => ctx.logger.warn(`delivery ledger: ${message}`),
    onWriteError: (error, entries) => {
      writeFailures.inc();
      writeLog.error('delivery ledger write failed; export goes on', { error, entries });
    },
  });
  ctx.metrics
    .gauge('exporter_ledger_loaded_spans', 'Span ids an earlier run delivered, loaded at start')
    .set({}, ledger.size);
  ctx.logger.info('delivery ledger loaded', { spans: ledger.size });
  return ledger;
}

/**
 * Records a batch the queue is done with: sent, or failed/dropped and counted. A batch cut off by
 * a shutdown is not done with: the next run may still send it.
 */
export function recordDone(
  ledger: DeliveryLedger,
): (batch: readonly unknown[], results: readonly ExportResult[]) => void {
  return (batch, results) => {
    if (results.some((r) => r.reason === 'shutdown')) return;
    const ids: SpanIds[] = [];
    for (const item of batch) {
      const id = spanIds(item);
      if (id) ids.push(id);
    }
    ledger.record(ids);
  };
}

/**
 * Takes out of each batch the spans an earlier run delivered, each such batch's count as one
 * `dropped` result (reason `already_exported`), and sends the rest through `send`.
 */
export function skipDelivered<T>(
  ledger: DeliveryLedger,
  exporter: string,
  send: OperatorFunction<T[], ExportResult>,
): OperatorFunction<T[], ExportResult> {
  if (ledger.size === 0) return send;
  return (batches) =>
    defer(() => {
      const skipped = new Subject<ExportResult>();
      const fresh = batches.pipe(
        map((batch) => {
          const keep = batch.filter((item) => {
            const id = spanIds(item);
            return !id || !ledger.has(id.traceId, id.spanId);
          });
          const n = batch.length - keep.length;
          if (n > 0) {
            skipped.next({
              exporter,
              code: 'dropped',
              spans: n,
              failedSpans: n,
              reason: ALREADY_EXPORTED,
              attempts: 0,
            });
          }
          return keep;
        }),
        filter((batch) => batch.length > 0),
        tap({ complete: () => skipped.complete(), error: () => skipped.complete() }),
      );
      return merge(skipped, fresh.pipe(send));
    });
}
