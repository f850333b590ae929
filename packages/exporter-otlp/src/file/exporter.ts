import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { concatMap, defer, finalize, type OperatorFunction } from 'rxjs';
import {
  batch,
  instrumentedSend,
  parseDuration,
  type ComponentContext,
  type ExportResult,
  type ExporterFactory,
} from '@kspan/core';
import { encodeOtlpJsonLine } from '../encode.js';
import { FileExporterConfigSchema, type FileExporterConfig } from './config.js';
import { fileSink, stdoutSink, type LineSink } from './line-sink.js';

/**
 * The `file` exporter as an operator: each batch becomes one line, one OTLP/JSON
 * ExportTraceServiceRequest (the Collector file exporter's format). Lines are written in order, one
 * at a time; a failed write fails that batch (not retried) and the next batch tries again.
 */
export function fileExport(
  config: FileExporterConfig,
  ctx: ComponentContext,
  makeSink: () => LineSink = () => (config.path === '-' ? stdoutSink() : fileSink(config.path)),
): OperatorFunction<ReadableSpan, ExportResult> {
  return (source) =>
    defer(() => {
      const sink = makeSink();
      const write = instrumentedSend(ctx, async (spans: ReadableSpan[]) => {
        try {
          const line = encodeOtlpJsonLine(spans) + '\n';
          await sink.write(line);
          return { outcome: { code: 'success' }, status: 'ok', bytes: Buffer.byteLength(line) };
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          const status = (err as NodeJS.ErrnoException).code ?? 'error';
          return { outcome: { code: 'failure', error }, status, bytes: 0 };
        }
      });
      return source.pipe(
        batch<ReadableSpan>({
          maxSize: config.batch.max_size,
          timeoutMs: parseDuration(config.batch.timeout),
          scheduler: ctx.clock.scheduler,
        }),
        concatMap(async (spans): Promise<ExportResult> => {
          const outcome = await write(spans);
          const base = { exporter: ctx.id, spans: spans.length, attempts: 1 };
          return outcome.code === 'success'
            ? { ...base, code: 'success', failedSpans: 0 }
            : {
                ...base,
                code: 'failure',
                failedSpans: spans.length,
                reason: 'permanent_error',
                error: outcome.error,
              };
        }),
        finalize(() => void sink.close()),
      );
    });
}

export const fileExporter: ExporterFactory<typeof FileExporterConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'file',
  stability: 'beta',
  description:
    'Writes spans as OTLP/JSON lines (the Collector file exporter format) to a file or stdout',
  consumes: 'spans',
  configSchema: FileExporterConfigSchema,
  create: (config, ctx) => fileExport(config, ctx),
};
