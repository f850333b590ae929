import {
  exportThrough,
  type ComponentContext,
  type ExportResult,
  type ExporterFactory,
} from '@kspan/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OperatorFunction } from 'rxjs';
import type { ExportOptions } from '../common/export-options.js';
import { processEnv } from '../common/otlp-env.js';
import type { OtlpGrpcConfigSchema } from './config.js';
import { type OtlpGrpcConfig } from './config.js';
import { resolveOtlpGrpcSettings } from './settings.js';
import { OtlpGrpcTransport } from './transport.js';
import { otlpExporterSpec } from '../specs.js';

/** The `otlp` exporter as an operator: spans in, one ExportResult per batch out. */
export function otlpGrpcExport(
  config: OtlpGrpcConfig,
  ctx: ComponentContext,
  options: ExportOptions = {},
): OperatorFunction<ReadableSpan, ExportResult> {
  const settings = resolveOtlpGrpcSettings(config, options.env ?? processEnv(), (msg, fields) =>
    ctx.logger.warn(msg, fields),
  );
  ctx.logger.debug('otlp exporter configured', {
    endpoint: settings.endpoint,
    target: settings.target,
    tls: settings.secure,
    compression: settings.compression,
    timeout_ms: settings.timeoutMs,
  });
  return exportThrough(config, ctx, () => new OtlpGrpcTransport(settings, ctx.clock));
}

export const otlpExporter: ExporterFactory<typeof OtlpGrpcConfigSchema, 'spans'> = {
  ...otlpExporterSpec,
  create: (config, ctx) => otlpGrpcExport(config, ctx),
};
