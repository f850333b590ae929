import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OperatorFunction } from 'rxjs';
import {
  exportThrough,
  type Attempt,
  type ComponentContext,
  type ExportResult,
  type ExportTransport,
  type ExporterFactory,
  type SendingSettings,
} from '@kspan/core';
import { encodeOtlpJsonBytes } from '../encode.js';
import type { FileExporterConfigSchema } from './config.js';
import { type FileExporterConfig } from './config.js';
import { fileSink, stdoutSink, type LineSink } from './line-sink.js';
import { fileExporterSpec } from '../specs.js';

/**
 * The `file` exporter as an operator: each batch becomes one line, one OTLP/JSON
 * ExportTraceServiceRequest (the Collector file exporter's format). It sends through core's
 * sending queue like every exporter (bounded queue, one result per batch, shutdown handling), with
 * one line in flight so lines keep their order, and no retry: a failed write fails that batch and
 * the next batch tries again.
 */
export function fileExport(
  config: FileExporterConfig,
  ctx: ComponentContext,
  makeSink: () => LineSink = () => (config.path === '-' ? stdoutSink() : fileSink(config.path)),
): OperatorFunction<ReadableSpan, ExportResult> {
  return exportThrough(sendingSettings(config), ctx, () => lineTransport(makeSink()));
}

function sendingSettings(config: FileExporterConfig): SendingSettings {
  return {
    batch: config.batch,
    // Disabled: the intervals are never used. A write error is not one a retry fixes.
    retry: { enabled: false, initial_interval: '1s', max_interval: '1s', max_elapsed: '0s' },
    queue: { size: config.queue.size, concurrency: 1 },
  };
}

/** Each attempt writes one line; the sink (file or stdout) is opened on the first write. */
function lineTransport(sink: LineSink): ExportTransport<ReadableSpan> {
  return {
    async attempt(spans): Promise<Attempt> {
      const line = encodeOtlpJsonBytes(spans, '\n');
      try {
        await sink.write(line);
        return { outcome: { code: 'success' }, status: 'ok', bytes: line.length };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const status = (err as NodeJS.ErrnoException).code ?? 'error';
        return { outcome: { code: 'failure', error }, status, bytes: 0 };
      }
    },
    close: () => void sink.close(),
  };
}

export const fileExporter: ExporterFactory<typeof FileExporterConfigSchema, 'spans'> = {
  ...fileExporterSpec,
  create: (config, ctx) => fileExport(config, ctx),
};
