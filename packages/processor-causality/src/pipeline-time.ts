/**
 * The pipeline's time (µs), in the items' own time base: the watermark — the latest observation
 * seen (`observedAt`, else the event's own time) plus the pipeline clock's time elapsed since — and
 * `now`, the watermark as far as the engine has advanced, which never goes back. Live, that is wall
 * time; a replay runs as fast as it can and still gives the same result. Never `Date.now()`.
 */
export class PipelineTime {
  private latestObs = -Infinity;
  private clockAtLatest = 0;
  /** The pipeline's time as far as the engine has advanced; -Infinity before any item had a time. */
  now = -Infinity;

  constructor(
    /** Milliseconds of the pipeline's clock (`ctx.clock`). */
    private readonly clockMs: () => number,
  ) {}

  /** An item observed at `obsUs`. */
  observe(obsUs: number): void {
    if (obsUs > this.latestObs) {
      this.latestObs = obsUs;
      this.clockAtLatest = this.clockMs();
    }
  }

  /** The latest observation seen plus the clock time elapsed since. */
  watermark(): number {
    if (this.latestObs === -Infinity) return -Infinity;
    return this.latestObs + (this.clockMs() - this.clockAtLatest) * 1000;
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
