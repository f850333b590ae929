/**
 * The pipeline's time (µs), in the items' own time base: the watermark — the latest observation
 * seen (`observedAt`, else the event's own time) plus the pipeline clock's time elapsed since — and
 * `now`, the watermark as far as the engine has advanced, which never goes back. Live, that is wall
 * time; a replay runs as fast as it can and still gives the same result. Never `Date.now()`.
 */
export class PipelineTime {
  private latestObs = -Infinity;
  private clockAtLatest = 0;
  /** The clock as last read (`readClock`): once per item or tick, not at every look at the time. */
  private clock = 0;
  /** The pipeline's time as far as the engine has advanced; -Infinity before any item had a time. */
  now = -Infinity;

  constructor(
    /** Milliseconds of the pipeline's clock (`ctx.clock`). */
    private readonly clockMs: () => number,
  ) {}

  /**
   * Reads the pipeline's clock for what follows: one item, or one tick. An item's work takes
   * microseconds, so one reading serves all of it (it was read at every look at the time, ~5 an item).
   */
  readClock(): void {
    this.clock = this.clockMs();
  }

  /** An item observed at `obsUs`. */
  observe(obsUs: number): void {
    if (obsUs > this.latestObs) {
      this.latestObs = obsUs;
      this.clockAtLatest = this.clock;
    }
  }

  /** The latest observation seen plus the clock time elapsed since. */
  watermark(): number {
    if (this.latestObs === -Infinity) return -Infinity;
    return this.latestObs + (this.clock - this.clockAtLatest) * 1000;
  }

  /** `now`, or the watermark when the clock moved on since the last advance. */
  current(): number {
    return Math.max(this.now, this.watermark());
  }

  /** Moves `now` forward to `t` (never back). */
  advanceTo(t: number): void {
    if (t > this.now) this.now = t;
  }
}
