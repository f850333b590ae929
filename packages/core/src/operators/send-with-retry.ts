import { Observable, type OperatorFunction } from 'rxjs';
import type { Clock } from '../clock.js';
import type { ExportResult } from '../items.js';
import { errorMessage } from '../errors.js';
import { Backoff } from './backoff.js';
import { sendSplitting, TOO_LARGE } from './split-batch.js';

/** What one attempt to send a batch came to, as the transport sees it. */
export type SendOutcome =
  | { code: 'success'; rejected?: number; error?: Error }
  | { code: 'retryable'; error: Error; retryAfterMs?: number }
  | { code: 'failure'; error: Error; tooLarge?: boolean };

export interface RetryOptions {
  enabled: boolean;
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Give up on a batch after this long (ms) of retrying. */
  maxElapsedMs: number;
}

export interface ExportBatchesOptions {
  exporter: string;
  clock: Clock;
  retry: RetryOptions;
  /** Most spans waiting or in flight; batches past it are dropped and counted. */
  queueSize: number;
  /** Batches sent at once. */
  concurrency: number;
  /** Aborts retries on shutdown (the batch is reported as a failure with reason `shutdown`). */
  signal?: AbortSignal;
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
  /** Told the spans queued (waiting, not in flight) after every change, for the queue-size gauge. */
  onQueueSize?: (spans: number) => void;
  /** Told each batch once its results are known, before they are emitted (the delivery ledger). */
  onDone?: (batch: readonly unknown[], results: readonly ExportResult[]) => void;
}

/**
 * Sends batches with `send`, retrying what the transport says is retryable (backoff with jitter,
 * honouring Retry-After), never retrying partial success, splitting a batch refused as too large,
 * with a bounded queue. Emits one ExportResult per batch (per part of a split one) and never errors:
 * every span lost is in a result with its reason.
 */
export function exportBatches<T>(
  send: (batch: T[], signal?: AbortSignal) => Promise<SendOutcome>,
  options: ExportBatchesOptions,
): OperatorFunction<T[], ExportResult> {
  return (source) =>
    new Observable<ExportResult>((subscriber) => {
      const queue: T[][] = [];
      let queuedSpans = 0;
      let inFlight = 0;
      let sourceDone = false;

      const finishIfIdle = () => {
        if (sourceDone && inFlight === 0 && queue.length === 0) subscriber.complete();
      };
      const pump = () => {
        while (inFlight < options.concurrency && queue.length > 0) {
          const batch = queue.shift() as T[];
          inFlight++;
          void sendSplitting(batch, sendWithRetry).then((results) => {
            inFlight--;
            queuedSpans -= batch.length;
            options.onQueueSize?.(queuedSpans);
            options.onDone?.(batch, results);
            for (const result of results) subscriber.next(result);
            pump();
            finishIfIdle();
          });
        }
      };
      const sendWithRetry = async (batch: T[]): Promise<ExportResult> => {
        const base = { exporter: options.exporter, spans: batch.length };
        const started = options.clock.now();
        const backoff = new Backoff({
          initialMs: options.retry.initialIntervalMs,
          maxMs: options.retry.maxIntervalMs,
          ...(options.random ? { random: options.random } : {}),
        });
        for (let attempts = 1; ; attempts++) {
          let outcome: SendOutcome;
          try {
            outcome = await send(batch, options.signal);
          } catch (err) {
            outcome = {
              code: 'failure',
              error: err instanceof Error ? err : new Error(errorMessage(err)),
            };
          }
          if (outcome.code === 'success') {
            const rejected = outcome.rejected ?? 0;
            return rejected > 0
              ? {
                  ...base,
                  code: 'failure',
                  failedSpans: rejected,
                  reason: 'partial_success',
                  attempts,
                  ...(outcome.error ? { error: outcome.error } : {}),
                }
              : { ...base, code: 'success', failedSpans: 0, attempts };
          }
          if (outcome.code === 'failure' || !options.retry.enabled) {
            return {
              ...base,
              code: 'failure',
              failedSpans: batch.length,
              reason:
                outcome.code !== 'failure'
                  ? 'retries_exhausted'
                  : outcome.tooLarge
                    ? TOO_LARGE
                    : 'permanent_error',
              attempts,
              error: outcome.error,
            };
          }
          // The server's Retry-After wins over our own backoff, up to the longest wait allowed.
          const delay = Math.min(
            Math.max(outcome.retryAfterMs ?? 0, backoff.next()),
            options.retry.maxIntervalMs,
          );
          if (options.clock.now() + delay - started > options.retry.maxElapsedMs) {
            return {
              ...base,
              code: 'failure',
              failedSpans: batch.length,
              reason: 'retries_exhausted',
              attempts,
              error: outcome.error,
            };
          }
          try {
            await options.clock.sleep(delay, options.signal);
          } catch {
            return {
              ...base,
              code: 'failure',
              failedSpans: batch.length,
              reason: 'shutdown',
              attempts,
              error: outcome.error,
            };
          }
        }
      };

      const sub = source.subscribe({
        next: (batch) => {
          if (
            queuedSpans + batch.length > options.queueSize &&
            (queue.length > 0 || inFlight > 0)
          ) {
            const dropped: ExportResult = {
              exporter: options.exporter,
              code: 'dropped',
              spans: batch.length,
              failedSpans: batch.length,
              reason: 'queue_full',
              attempts: 0,
              error: new Error(
                `queue full: ${queuedSpans} spans waiting or in flight, the limit is ${options.queueSize}`,
              ),
            };
            options.onDone?.(batch, [dropped]);
            subscriber.next(dropped);
            return;
          }
          queue.push(batch);
          queuedSpans += batch.length;
          options.onQueueSize?.(queuedSpans);
          pump();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          finishIfIdle();
        },
      });
      return () => sub.unsubscribe();
    });
}
