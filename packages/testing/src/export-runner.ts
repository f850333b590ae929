// The `exportAll(config)` every exporter test starts from, so that each suite names only its exporter.
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Static, TSchema } from '@sinclair/typebox';
import type { ComponentContext, Env, ExportResult } from '@kspan/core';
import { testContext, withDefaults } from './context.js';
import { sampleTrace } from './spans.js';

/** An exporter as an operator function (`otlpGrpcExport`, `zipkinExport`, ...). */
export type ExportFunction<C> = (
  config: C,
  ctx: ComponentContext,
  options: { env: Env },
) => OperatorFunction<ReadableSpan, ExportResult>;

export interface ExportRun {
  /** The sample trace by default. */
  spans?: ReadableSpan[];
  /** Where the exporter reads OTEL_* variables; empty by default (never the process's). */
  env?: Env;
  /** `testContext(id)` by default. */
  ctx?: ComponentContext;
}

/**
 * `(config, run?) => results`: the exporter built from a raw config (schema defaults filled in),
 * the spans run through it, and its results (one per batch) collected once it has drained.
 */
export function exportRunner<S extends TSchema>(
  exporter: ExportFunction<Static<S>>,
  schema: S,
  id: string,
): (config: Record<string, unknown>, run?: ExportRun) => Promise<ExportResult[]> {
  return (config, run = {}) => {
    const op = exporter(withDefaults(schema, config), run.ctx ?? testContext(id), {
      env: run.env ?? {},
    });
    return lastValueFrom(from(run.spans ?? sampleTrace()).pipe(op, toArray()));
  };
}
