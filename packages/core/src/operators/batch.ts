import { bufferTime, filter, type OperatorFunction, type SchedulerLike } from 'rxjs';

export interface BatchOptions {
  /** Largest batch; a full batch goes at once. */
  maxSize: number;
  /** Longest an item waits for its batch to fill, in ms. */
  timeoutMs: number;
  scheduler: SchedulerLike;
}

/** Groups items into batches by size and time; flushes what it holds when its input completes. */
export function batch<T>(options: BatchOptions): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      bufferTime(options.timeoutMs, null, options.maxSize, options.scheduler),
      filter((b) => b.length > 0),
    );
}
