export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
}

/** Exponential backoff with full jitter between half and the whole step; `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly options: BackoffOptions) {}

  next(): number {
    const step = Math.min(this.options.initialMs * 2 ** this.attempt, this.options.maxMs);
    this.attempt++;
    return step * (0.5 + (this.options.random ?? Math.random)() / 2);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
