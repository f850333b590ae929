// Public API of @kspan/core: the component model, config, engine, shared operators and telemetry.
export { createLogger, silentLogger } from './logger.js';
export type { Logger, LogLevel, LogFields, LogEntry, LoggerOptions } from './logger.js';
export { systemClock, schedulerClock, stoppedClock } from './clock.js';
export type { Clock } from './clock.js';
export type {
  KubeObject,
  ObjectMeta,
  OwnerReference,
  ManagedFieldsEntry,
  WatchEvent,
  WatchEventType,
  ClusterIdentity,
  SignalKind,
  SignalTypes,
  ExportResult,
} from './items.js';
export {
  parseRfc3339,
  isRfc3339Time,
  rfc3339Us,
  eventTime,
  eventTimeValue,
  PLAUSIBLE_TIME_US,
} from './event-time.js';
export type { ParsedTime } from './event-time.js';
export { standaloneContext } from './component.js';
export type {
  ComponentContext,
  ComponentKind,
  Components,
  Health,
  Stability,
  ReceiverFactory,
  ProcessorFactory,
  ExporterFactory,
  AnyFactory,
  AnyReceiverFactory,
  AnyProcessorFactory,
  AnyExporterFactory,
  FactoryBase,
  AnyExtensionFactory,
  Extension,
  ExtensionFactory,
  ExportWatermark,
  Leadership,
} from './component.js';
// The config half (also its own entry point, `@kspan/core/config`): validation, loading, schemas,
// errors, durations, the component specs' types.
export * from './config/index.js';
export { didYouMean } from './config/suggest.js';
export { Service } from './pipeline/service.js';
export type { ServiceOptions, ExporterTally, ReceiverFailure } from './pipeline/service.js';
export { batch } from './operators/batch.js';
export type { BatchOptions } from './operators/batch.js';
export { exportBatches } from './operators/send-with-retry.js';
export type {
  SendOutcome,
  RetryOptions,
  ExportBatchesOptions,
} from './operators/send-with-retry.js';
export { Backoff } from './operators/backoff.js';
export type { BackoffOptions } from './operators/backoff.js';
export { Recency } from './collections/recency.js';
export { BoundedMap } from './collections/bounded-map.js';
export { MetricsRegistry, noopMetrics } from './telemetry/metrics.js';
export type {
  Metrics,
  CounterMetric,
  GaugeMetric,
  GaugeSample,
  HistogramMetric,
  Labels,
} from './telemetry/metrics.js';
export { HealthRegistry } from './telemetry/health.js';
export { startTelemetryServer } from './telemetry/server.js';
export { sendingQueue } from './operators/sending-queue.js';
export { ALREADY_EXPORTED, ledgerFile } from './operators/skip-delivered.js';
export { DeliveryLedger, LEDGER_HEADER } from './ledger/delivery-ledger.js';
export type { DeliveryLedgerOptions } from './ledger/delivery-ledger.js';
export { instrumentedSend } from './operators/instrumented-send.js';
export type { Attempt } from './operators/instrumented-send.js';
export { exportThrough } from './operators/export-through.js';
export type { ExportTransport } from './operators/export-through.js';
export { HttpPoster, HttpSendError } from './transport/http-post.js';
export type { HttpPostSettings, HttpReply } from './transport/http-post.js';
export { HttpPostTransport } from './transport/http-post-transport.js';
export type { HttpProtocol } from './transport/http-post-transport.js';
export { readTlsFiles } from './transport/tls-files.js';
export type { TlsFiles, TlsMaterial } from './transport/tls-files.js';
export {
  classifyHttpFailure,
  classifyNetworkError,
  parseRetryAfter,
  RETRYABLE_HTTP_STATUS,
} from './transport/http-outcome.js';
export {
  limitAttributes,
  limitSpanValues,
  spanValueLimiter,
  truncateString,
} from './span-limits.js';
export { Heap } from './heap.js';
export { isRecord } from './is-record.js';
