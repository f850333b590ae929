// The settings schemas of core's sending queue, apart from the queue itself so that config
// validation loads no runtime (rxjs).
import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema } from '../duration.js';

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

/**
 * Where the delivery ledger lives (delivery-ledger.ts): a directory, not a Collector `file_storage`
 * extension id, because kspan has no storage extension yet and one exporter setting says it all.
 * Absent: no ledger (the default).
 */
export const StorageSettingsSchema = Type.Object(
  {
    directory: Type.String({
      minLength: 1,
      description:
        'directory for the delivery ledger (one file per exporter); must survive a restart of kspan',
    }),
    ttl: DurationSchema(
      '1h',
      "how long a delivered span id is remembered (the receivers' event max_age: older events are not relisted)",
    ),
    max_entries: Type.Integer({
      minimum: 1,
      default: 200_000,
      description: 'most span ids remembered; the oldest go first',
    }),
  },
  {
    additionalProperties: false,
    description:
      'a delivery ledger: span ids an earlier run of kspan delivered are not sent again (off when absent)',
  },
);

/** Schema properties to spread into an exporter's config object. */
export const SendingSettingsProperties = {
  batch: BatchSettingsSchema,
  retry: RetrySettingsSchema,
  queue: QueueSettingsSchema,
  storage: Type.Optional(StorageSettingsSchema),
};

export type StorageSettings = Static<typeof StorageSettingsSchema>;

export interface SendingSettings {
  batch: Static<typeof BatchSettingsSchema>;
  retry: Static<typeof RetrySettingsSchema>;
  queue: Static<typeof QueueSettingsSchema>;
  /** The delivery ledger: spans a previous run delivered are not sent again. */
  storage?: StorageSettings;
}
