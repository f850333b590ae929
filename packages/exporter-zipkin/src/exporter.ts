import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OperatorFunction } from 'rxjs';
import {
  ConfigError,
  errorMessage,
  exportThrough,
  type ComponentContext,
  type Env,
  type ExportResult,
  type ExporterFactory,
} from '@kspan/core';
import type { ZipkinExporterConfigSchema } from './config.js';
import { type ZipkinExporterConfig } from './config.js';
import { processEnv, resolveZipkinSettings, type ZipkinSettings } from './settings.js';
import { zipkinTransport } from './transport.js';
import { zipkinExporterSpec } from './specs.js';

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

  return exportThrough(config, ctx, () => zipkinTransport(settings, ctx.clock));
}

export const zipkinExporter: ExporterFactory<typeof ZipkinExporterConfigSchema, 'spans'> = {
  ...zipkinExporterSpec,
  create: (config, ctx) => zipkinExport(config, ctx),
};
