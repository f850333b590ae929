import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  resolveComponentConfig,
  spanValueLimiter,
  standaloneContext,
  type ComponentContext,
  type ProcessorFactory,
  type WatchEvent,
} from '@kspan/core';
import {
  resolveOptions,
  type CausalityConfig,
  type CausalityConfigSchema,
  type CausalityOptions,
} from './config.js';
import { CausalityEngine } from './engine.js';
import { publishMetrics } from './metrics.js';
import { causalityProcessorSpec } from './specs.js';

/**
 * The causality operator: watch events in, spans out. Spans go out when their window closes (the
 * watermark passes), on each item and on a tick of the pipeline clock while anything is held; when
 * the input ends everything held is resolved and flushed — unless the service is stopping
 * (`ctx.stopping`), when what is not final yet is held back and counted (`CausalityEngine.interrupt`).
 */
export function causalityOperator(
  config: CausalityConfig,
  ctx: ComponentContext,
): OperatorFunction<WatchEvent, ReadableSpan> {
  const opts = resolveOptions(config, ctx.id);
  const limit = spanValueLimiter(ctx, config.attribute_value_length_limit);
  const tickMs = Math.min(500, Math.max(20, opts.windowUs / 1000 / 10));
  return (source) =>
    new Observable<ReadableSpan>((subscriber) => {
      const engine = new CausalityEngine(
        opts,
        () => ctx.clock.now(),
        (span) => subscriber.next(limit(span)),
      );
      const publish = publishMetrics(engine, ctx);
      engine.stats.onDrop = (reason, item) =>
        ctx.logger
          .rateLimited(`causality-drop-${reason}`)
          .warn('dropped an item the causality processor cannot use', {
            reason,
            item: preview(item),
          });

      let tick: Subscription | undefined;
      // A bug must not take the pipeline down: log, count, carry on.
      const failed = (what: string, err: unknown) => {
        engine.stats.drop('internal_error', undefined);
        ctx.logger.rateLimited('causality-internal').error(`causality ${what} failed`, {
          error: err instanceof Error ? err.stack : String(err),
        });
      };
      const safely = (what: string, fn: () => void) => {
        try {
          fn();
        } catch (err) {
          failed(what, err);
        }
      };
      const arm = () => {
        if (tick || !engine.holding || subscriber.closed) return;
        tick = ctx.clock.scheduler.schedule(() => {
          tick = undefined;
          safely('tick', () => engine.advance());
          publish();
          arm();
        }, tickMs);
      };

      // The service is stopping (SIGTERM), not at the end of a replay: only what is final goes out;
      // the rest is counted, not lost: a restarted kspan re-derives it from its relist.
      const holdBack = () => {
        const held = engine.interrupt();
        ctx.logger.info(
          `${held.events + held.roots} spans still open at shutdown not emitted; a restart re-derives them from its relist`,
          { reason: 'open_at_shutdown', events: held.events, roots: held.roots },
        );
      };

      // One push per item: no closure made for it (what `safely` does, inline).
      const push = (item: WatchEvent) => {
        try {
          engine.push(item);
        } catch (err) {
          failed('push', err);
        }
      };
      const sub = source.subscribe({
        next: (item) => {
          push(item);
          arm();
        },
        error: (err) => {
          safely('flush', () => engine.flush());
          publish();
          subscriber.error(err);
        },
        complete: () => {
          if (ctx.stopping.aborted) safely('shutdown', () => holdBack());
          else safely('flush', () => engine.flush());
          publish();
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        tick?.unsubscribe();
      };
    });
}

function preview(item: unknown): string {
  try {
    const s = JSON.stringify(item) ?? String(item);
    return s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(item);
  }
}

/** The `causality` processor: Kubernetes watch events → OpenTelemetry spans joined by cause. */
export const causalityProcessor: ProcessorFactory<
  typeof CausalityConfigSchema,
  'k8s_watch',
  'spans'
> = {
  ...causalityProcessorSpec,
  create: (config, ctx) => causalityOperator(config, ctx),
};

/**
 * Options given directly (embedding, tests) checked and completed by core, exactly as the same
 * settings under `processors.causality` in a config file are: same messages, same defaults.
 */
export function withDefaults(options: unknown = {}, path = 'causality'): CausalityConfig {
  return resolveComponentConfig(causalityProcessor, options, path);
}

/**
 * The processor without a service: `events$.pipe(causality({ window: '5s' }))`. Options are
 * checked like a config (a ConfigError lists every problem); `ctx` overrides the default context
 * (wall clock, silent logger, metrics that go nowhere).
 */
export function causality(
  options: CausalityOptions = {},
  ctx: Partial<ComponentContext> = {},
): OperatorFunction<WatchEvent, ReadableSpan> {
  const context = standaloneContext({ id: 'causality', ...ctx });
  return causalityOperator(withDefaults(options, context.id), context);
}
