import { VirtualTimeScheduler, from, lastValueFrom, toArray, type Observable } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MetricsRegistry } from '@kspan/core';
import { createLogger, schedulerClock, standaloneContext, type WatchEvent } from '@kspan/core';
import { causalityProcessor, withDefaults, type CausalityOptions } from '../../src/index.js';

/** A clock that stands still (replays run as fast as possible; time is the items' own). */
export function frozenClock() {
  return schedulerClock(new VirtualTimeScheduler());
}

/** A logger that keeps the processor's internal errors (it logs them and carries on), writing nothing. */
export function errorKeepingLogger() {
  const errors: string[] = [];
  const logger = createLogger({
    level: 'error',
    write: () => {},
    observe: (e) => {
      if (e.level === 'error') errors.push(`${e.msg}: ${String(e.fields['error'])}`);
    },
  });
  return { logger, errors };
}

/**
 * Runs items through the processor, as the service would build it, and collects the spans. An
 * internal error (a throw the processor caught, counted and logged) fails the replay: the processor
 * carries on after one, so a test that only looks at the spans would not notice it.
 */
export async function replay(
  items: readonly unknown[],
  options: CausalityOptions = {},
  registry?: MetricsRegistry,
): Promise<ReadableSpan[]> {
  const { logger, errors: internalErrors } = errorKeepingLogger();
  const ctx = standaloneContext({
    id: 'causality',
    logger,
    clock: frozenClock(),
    ...(registry ? { metrics: registry.metricsFor('causality') } : {}),
  });
  const op = causalityProcessor.create(withDefaults(options), ctx);
  const spans = await lastValueFrom((from(items) as Observable<WatchEvent>).pipe(op, toArray()));
  if (internalErrors.length > 0) {
    throw new Error(`causality internal error(s):\n${internalErrors.join('\n')}`);
  }
  return spans;
}
