import type { Clock, KubeObject, Metrics } from '@kspan/core';

type Transform = (object: KubeObject) => KubeObject | undefined;

/**
 * `kspan_last_event_age_seconds{watch}`: per list-watch, seconds since it last delivered an item,
 * read at each scrape. Per watch, not per receiver, so one silent watch shows while the others
 * flow; read at scrape, not set on arrival, so silence makes it grow. Every item the API server
 * sends counts, also one the filters then drop: this is about the watch, not about what is emitted.
 */
export class WatchActivity {
  /** watch name → when it last delivered an item (or started, before the first one), ms. */
  private readonly last = new Map<string, number>();

  constructor(
    metrics: Metrics,
    private readonly clock: Clock,
  ) {
    metrics.scrapedGauge(
      'last_event_age_seconds',
      'Seconds since the watch last delivered an item (since it started, before the first)',
      ['watch'],
      () =>
        [...this.last].map(([watch, at]) => ({
          labels: { watch },
          value: Math.max(0, (this.clock.now() - at) / 1000),
        })),
    );
  }

  /** Starts the age of `watch` now and returns its transform, which also marks each item seen. */
  track(watch: string, transform?: Transform): Transform {
    this.last.set(watch, this.clock.now());
    return (object) => {
      this.last.set(watch, this.clock.now());
      return transform ? transform(object) : object;
    };
  }
}
