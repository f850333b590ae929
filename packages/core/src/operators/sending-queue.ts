import { Type, type Static } from '@sinclair/typebox';
import type { OperatorFunction } from 'rxjs';
import type { ComponentContext } from '../component.js';
import { DurationSchema, parseDuration } from '../duration.js';
import type { ExportResult } from '../items.js';
import { batch } from './batch.js';
import { exportBatches, type SendOutcome } from './send-with-retry.js';

/** Batching, retry and queue settings every exporter shares (the `sending` part of its config). */
export const BatchSettingsSchema = Type.Object(
  {
    max_size: Type.Integer({ minimum: 1, default: 512, description: 'most spans in one request' }),
    timeout: DurationSchema('1s', 'longest a span waits for its batch to fill'),
  },
  { additionalProperties: false, default: {} },
);

export const RetrySettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'retry what the transport calls retryable',
    }),
    initial_interval: DurationSchema('1s', 'first wait before a retry'),
    max_interval: DurationSchema('30s', 'longest wait between retries'),
    max_elapsed: DurationSchema('5m', 'give a batch up after retrying this long'),
  },
  { additionalProperties: false, default: {} },
);

export const QueueSettingsSchema = Type.Object(
  {
    size: Type.Integer({
      minimum: 1,
      default: 10_000,
      description: 'most spans waiting or in flight; more are dropped and counted',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      default: 2,
      description: 'requests in flight at once',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** Schema properties to spread into an exporter's config object. */
export const SendingSettingsProperties = {
  batch: BatchSettingsSchema,
  retry: RetrySettingsSchema,
  queue: QueueSettingsSchema,
};

export interface SendingSettings {
  batch: Static<typeof BatchSettingsSchema>;
  retry: Static<typeof RetrySettingsSchema>;
  queue: Static<typeof QueueSettingsSchema>;
}

/**
 * The one way an exporter sends: batch by size and time, then send each batch with retry and a
 * bounded queue. One ExportResult per batch; never errors.
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
    source.pipe(
      batch<T>({
        maxSize: settings.batch.max_size,
        timeoutMs: parseDuration(settings.batch.timeout),
        scheduler: ctx.clock.scheduler,
      }),
      exportBatches<T>(send, {
        exporter: ctx.id,
        clock: ctx.clock,
        signal: ctx.signal,
        queueSize: settings.queue.size,
        concurrency: settings.queue.concurrency,
        onQueueSize: (n) => size.set({}, n),
        retry: {
          enabled: settings.retry.enabled,
          initialIntervalMs: parseDuration(settings.retry.initial_interval),
          maxIntervalMs: parseDuration(settings.retry.max_interval),
          maxElapsedMs: parseDuration(settings.retry.max_elapsed),
        },
      }),
    );
}
