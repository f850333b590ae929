import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OperatorFunction } from 'rxjs';
import {
  ConfigError,
  errorMessage,
  exportThrough,
  type ComponentContext,
  type ExportResult,
  type ExporterFactory,
} from '@kspan/core';
import type { ExportOptions } from '../common/export-options.js';
import { processEnv } from '../common/otlp-env.js';
import type { OtlpHttpConfigSchema } from './config.js';
import { type OtlpHttpConfig } from './config.js';
import { resolveOtlpHttpSettings, type OtlpHttpSettings } from './settings.js';
import { otlpHttpTransport } from './transport.js';
import { otlpHttpExporterSpec } from '../specs.js';

/** The `otlp_http` exporter as an operator: spans in, one ExportResult per batch out. */
export function otlpHttpExport(
  config: OtlpHttpConfig,
  ctx: ComponentContext,
  options: ExportOptions = {},
): OperatorFunction<ReadableSpan, ExportResult> {
  let settings: OtlpHttpSettings;
  try {
    settings = resolveOtlpHttpSettings(config, options.env ?? processEnv(), (msg, fields) =>
      ctx.logger.warn(msg, fields),
    );
  } catch (err) {
    // Only a config URL that passed the schema's pattern but does not parse gets here.
    throw new ConfigError([
      { path: `exporters.${ctx.id}.endpoint`, message: `invalid URL: ${errorMessage(err)}` },
    ]);
  }
  ctx.logger.debug('otlp_http exporter configured', {
    url: settings.url.href,
    encoding: settings.encoding,
    compression: settings.compression,
    timeout_ms: settings.timeoutMs,
  });
  return exportThrough(config, ctx, () => otlpHttpTransport(settings, ctx.clock));
}

export const otlpHttpExporter: ExporterFactory<typeof OtlpHttpConfigSchema, 'spans'> = {
  ...otlpHttpExporterSpec,
  create: (config, ctx) => otlpHttpExport(config, ctx),
};
