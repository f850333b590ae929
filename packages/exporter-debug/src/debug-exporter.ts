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
import { HeldTraces } from './held-traces.js';

/** Names of the counters `kspan replay` reads to say how the tree was drawn (`kspan_` prefixed). */
export const DRAWN_EARLY_METRIC = 'debug_traces_drawn_early_total';
export const CONTINUATIONS_METRIC = 'debug_trace_continuations_total';

/**
 * Draws finished traces as trees in the terminal. Spans are held per trace and a trace is drawn
 * once it has been idle for `trace_idle`, so a trace that arrives in several batches is drawn whole.
 * At most `max_held_spans` are held: past it the traces least recently added to are drawn early
 * (counted), and a later span of such a trace is drawn as its continuation (a marked part).
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
  const drawnEarly = ctx.metrics.counter(
    DRAWN_EARLY_METRIC,
    'Traces (parts) drawn before they were idle because max_held_spans was reached',
  );
  const continuations = ctx.metrics.counter(
    CONTINUATIONS_METRIC,
    'Trace parts drawn as the continuation of a part drawn early',
  );
  drawnEarly.inc({}, 0);
  continuations.inc({}, 0);
  return (source) =>
    new Observable<ExportResult>((subscriber) => {
      const held = new HeldTraces(config.max_held_spans);
      const draw = (traceIds: string[], early: boolean) => {
        if (traceIds.length === 0) return;
        const part = held.take(traceIds, early);
        const options = { width, attributes: config.verbosity === 'detailed', notes: part.notes };
        write(renderTraces(part.spans, options) + '\n');
        if (part.drawnEarly > 0) drawnEarly.inc({}, part.drawnEarly);
        if (part.continuations > 0) continuations.inc({}, part.continuations);
        subscriber.next({
          exporter: ctx.id,
          code: 'success',
          spans: part.spans.length,
          failedSpans: 0,
          attempts: 1,
        });
      };
      const tick = ctx.clock.scheduler.schedule(
        function (this: { schedule(state?: unknown, delay?: number): void }) {
          draw(held.idleSince(ctx.clock.now() - idleMs), false);
          this.schedule(undefined, Math.max(250, idleMs / 2));
        },
        Math.max(250, idleMs / 2),
      );
      const sub = source.subscribe({
        next: (span) => draw(held.add(span, ctx.clock.now()), true),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          draw(held.ids(), false);
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
