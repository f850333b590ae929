import {
  Observable,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { KspanError } from '../errors.js';

/**
 * Errors the stream when nothing arrives for `timeoutMs` (a watch that died silently), so a retry
 * around it reconnects. Bookmarks and heartbeats count as arrivals: pass them through this operator.
 */
export function watchdog<T>(
  timeoutMs: number,
  scheduler: SchedulerLike,
  what = 'stream',
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let timer: Subscription | undefined;
      const arm = () => {
        timer?.unsubscribe();
        timer = scheduler.schedule(() => {
          subscriber.error(
            new KspanError(
              'COMPONENT_FAILED',
              `${what}: nothing received for ${timeoutMs} ms, presumed dead`,
            ),
          );
        }, timeoutMs);
      };
      arm();
      const sub = source.subscribe({
        next: (v) => {
          arm();
          subscriber.next(v);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
