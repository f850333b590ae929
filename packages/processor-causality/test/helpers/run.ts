import { VirtualTimeScheduler, from, lastValueFrom, toArray, type Observable } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MetricsRegistry } from '@kspan/core';
import { schedulerClock, standaloneContext, type WatchEvent } from '@kspan/core';
import { causalityProcessor, withDefaults, type CausalityOptions } from '../../src/index.js';

/** A clock that stands still (replays run as fast as possible; time is the items' own). */
export function frozenClock() {
  return schedulerClock(new VirtualTimeScheduler());
}

/** Runs items through the processor, as the service would build it, and collects the spans. */
export async function replay(
  items: readonly unknown[],
  options: CausalityOptions = {},
  registry?: MetricsRegistry,
): Promise<ReadableSpan[]> {
  const ctx = standaloneContext({
    id: 'causality',
    clock: frozenClock(),
    ...(registry ? { metrics: registry.metricsFor('causality') } : {}),
  });
  const op = causalityProcessor.create(withDefaults(options), ctx);
  return lastValueFrom((from(items) as Observable<WatchEvent>).pipe(op, toArray()));
}
