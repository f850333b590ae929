import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * The only way a component reads time or waits. Live, it is the wall clock; a replay or a test gives
 * another one, so that a run is deterministic and does not wait for real.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** The RxJS scheduler behind timers (bufferTime, timer, interval). */
  readonly scheduler: SchedulerLike;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function schedulerClock(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    scheduler,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sub = scheduler.schedule(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          sub.unsubscribe();
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** The wall clock. */
export const systemClock: Clock = schedulerClock(asyncScheduler);

/**
 * A replay's clock: `now()` stands still at `at`, so time comes from the items alone and a replay
 * is a pure function of its input (with the wall clock, a pause in reading — a slow disk, a pipe,
 * GC — moved the pipeline's watermark on and closed windows before items stamped earlier were in).
 * Waits (`sleep`, timers) still take real time: a shutdown deadline or an exporter's timeout works.
 */
export function stoppedClock(at: number = Date.now()): Clock {
  return { ...systemClock, now: () => at };
}
