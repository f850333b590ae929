import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { defer, finalize, type OperatorFunction } from 'rxjs';
import {
  ConfigError,
  errorMessage,
  sendingQueue,
  type ComponentContext,
  type Env,
  type ExportResult,
  type ExporterFactory,
  type SendOutcome,
} from '@kspan/core';
import { ZipkinExporterConfigSchema, type ZipkinExporterConfig } from './config.js';
import { processEnv, resolveZipkinSettings, type ZipkinSettings } from './settings.js';
import { ZipkinTransport } from './transport.js';

export interface ZipkinExportOptions {
  /** Where OTEL_EXPORTER_ZIPKIN_* are read from; the process environment by default. */
  env?: Env;
}

/** The `zipkin` exporter as an operator: spans in, one ExportResult per batch out. */
export function zipkinExport(
  config: ZipkinExporterConfig,
  ctx: ComponentContext,
  options: ZipkinExportOptions = {},
): OperatorFunction<ReadableSpan, ExportResult> {
  let settings: ZipkinSettings;
  try {
    settings = resolveZipkinSettings(config, options.env ?? processEnv(), (msg, fields) =>
      ctx.logger.warn(msg, fields),
    );
  } catch (err) {
    throw new ConfigError([
      { path: `exporters.${ctx.id}.endpoint`, message: `invalid URL: ${errorMessage(err)}` },
    ]);
  }
  ctx.logger.debug('zipkin exporter configured', {
    url: settings.url.href,
    timeout_ms: settings.timeoutMs,
  });

  const requests = ctx.metrics.counter(
    'exporter_requests_total',
    'Export requests (each retry counts) by outcome and transport status',
    ['outcome', 'status'],
  );
  const seconds = ctx.metrics.histogram(
    'exporter_request_duration_seconds',
    'Time one export request took',
    ['outcome'],
  );
  const bytes = ctx.metrics.counter(
    'exporter_request_bytes_total',
    'Encoded request bytes sent, before compression',
  );
  const retryLog = ctx.logger.rateLimited(`${ctx.id}:export-retry`);
  const failLog = ctx.logger.rateLimited(`${ctx.id}:export-error`);

  return (source) =>
    defer(() => {
      // One transport per subscription, made when the stream starts: create() does no I/O.
      const transport = new ZipkinTransport(settings, ctx.clock);
      const send = async (batch: ReadableSpan[], signal?: AbortSignal): Promise<SendOutcome> => {
        const started = ctx.clock.now();
        const { outcome, status, bytes: size } = await transport.attempt(batch, signal);
        requests.inc({ outcome: outcome.code, status });
        seconds.observe({ outcome: outcome.code }, Math.max(0, ctx.clock.now() - started) / 1000);
        bytes.inc({}, size);
        if (outcome.code !== 'success') {
          const log = outcome.code === 'retryable' ? retryLog.warn : failLog.error;
          log(
            outcome.code === 'retryable'
              ? 'export attempt failed; retrying'
              : 'export failed; not retryable',
            {
              status,
              spans: batch.length,
              error: errorMessage(outcome.error),
            },
          );
        }
        return outcome;
      };
      return source.pipe(
        sendingQueue(config, ctx, send),
        finalize(() => transport.close()),
      );
    });
}

export const zipkinExporter: ExporterFactory<typeof ZipkinExporterConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'zipkin',
  stability: 'beta',
  description: 'Sends spans to Zipkin (JSON v2 over HTTP)',
  consumes: 'spans',
  configSchema: ZipkinExporterConfigSchema,
  create: (config, ctx) => zipkinExport(config, ctx),
};
