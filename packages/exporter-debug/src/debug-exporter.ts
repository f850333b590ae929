import { Observable, type OperatorFunction } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  parseDuration,
  type ComponentContext,
  type ExportResult,
  type ExporterFactory,
} from '@kspan/core';
import { renderTraces } from './render-tree.js';
import type { DebugExporterConfigSchema } from './config.js';
import { type DebugExporterConfig } from './config.js';
import { debugExporterSpec } from './specs.js';

/**
 * Draws finished traces as trees in the terminal. Spans are held per trace and a trace is drawn
 * once it has been idle for `trace_idle`, so a trace that arrives in several batches is drawn whole.
 */
export function debugExport(
  config: DebugExporterConfig,
  ctx: ComponentContext,
  write: (text: string) => void = (text) =>
    (config.output === 'stderr' ? process.stderr : process.stdout).write(text),
): OperatorFunction<ReadableSpan, ExportResult> {
  const idleMs = parseDuration(config.trace_idle);
  const width =
    config.width ||
    (config.output === 'stdout' ? process.stdout.columns : process.stderr.columns) ||
    80;
  return (source) =>
    new Observable<ExportResult>((subscriber) => {
      const held = new Map<string, { spans: ReadableSpan[]; last: number }>();
      const draw = (traceIds: string[]) => {
        if (traceIds.length === 0) return;
        const spans = traceIds.flatMap((id) => held.get(id)?.spans ?? []);
        for (const id of traceIds) held.delete(id);
        write(renderTraces(spans, { width, attributes: config.verbosity === 'detailed' }) + '\n');
        subscriber.next({
          exporter: ctx.id,
          code: 'success',
          spans: spans.length,
          failedSpans: 0,
          attempts: 1,
        });
      };
      const tick = ctx.clock.scheduler.schedule(
        function (this: { schedule(state?: unknown, delay?: number): void }) {
          const now = ctx.clock.now();
          draw([...held].filter(([, t]) => now - t.last >= idleMs).map(([id]) => id));
          this.schedule(undefined, Math.max(250, idleMs / 2));
        },
        Math.max(250, idleMs / 2),
      );
      const sub = source.subscribe({
        next: (span) => {
          const id = span.spanContext().traceId;
          const entry = held.get(id) ?? { spans: [], last: 0 };
          entry.spans.push(span);
          entry.last = ctx.clock.now();
          held.set(id, entry);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          draw([...held.keys()]);
          subscriber.complete();
        },
      });
      return () => {
        tick.unsubscribe();
        sub.unsubscribe();
      };
    });
}

export const debugExporter: ExporterFactory<typeof DebugExporterConfigSchema, 'spans'> = {
  ...debugExporterSpec,
  create: (config, ctx) => debugExport(config, ctx),
};
