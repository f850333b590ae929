import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Labels = Record<string, string>;

export interface CounterMetric {
  inc(labels?: Labels, value?: number): void;
}
export interface GaugeMetric {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
}
export interface HistogramMetric {
  observe(labels: Labels, value: number): void;
}
/** One series of a gauge read at scrape time. */
export interface GaugeSample {
  labels: Labels;
  value: number;
}

/**
 * Self-telemetry for one component. Names get the `kspan_` prefix and every series carries the
 * component id, so two instances of one type (`otlp/a`, `otlp/b`) stay apart.
 */
export interface Metrics {
  counter(name: string, help: string, labelNames?: readonly string[]): CounterMetric;
  gauge(name: string, help: string, labelNames?: readonly string[]): GaugeMetric;
  histogram(
    name: string,
    help: string,
    labelNames?: readonly string[],
    buckets?: number[],
  ): HistogramMetric;
  /**
   * A gauge whose series `read` returns at each scrape: for values that change with time alone
   * (an age), which a set() at the moment of change would leave frozen.
   */
  scrapedGauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => Iterable<GaugeSample>,
  ): void;
}

/** One series' current value, kept by kspan; prom-client is given it at each scrape. */
interface Series {
  readonly labels: Labels;
  value: number;
}

/** A counter or gauge's series, by component and label values, in first-use order (/metrics' order). */
type SeriesTable = Map<string, Series>;

/** Reports a label value absent from a label set apart from an empty one. */
const ABSENT = '\u0001';

/**
 * How a handle finds the series of a label set: by the label values in `labelNames` order, in a
 * cache of its own, then in the metric's table. Updates run per event: prom-client would spread,
 * hash and validate the label set each time; here that happens once a label set (on its first
 * use prom-client validates it, and throws as before for a label it was not given).
 */
function seriesFinder(
  table: SeriesTable,
  component: string,
  labelNames: readonly string[],
  validate: (labels: Labels) => void,
): (labels?: Labels) => Series {
  const cache = new Map<string, Series>();
  const keyOf = (labels: Labels | undefined): string => {
    if (labels === undefined || labelNames.length === 0) return '';
    if (labelNames.length === 1) return labels[labelNames[0]!] ?? ABSENT;
    return labelNames.map((n) => labels[n] ?? ABSENT).join('\u0000');
  };
  return (labels) => {
    const key = keyOf(labels);
    let series = cache.get(key);
    if (series === undefined) {
      const bound = { ...labels, component };
      const full = `${component}\u0000${key}`;
      series = table.get(full);
      if (series === undefined) {
        validate(bound);
        series = { labels: bound, value: 0 };
        table.set(full, series);
      }
      cache.set(key, series);
    }
    return series;
  };
}

function counterIncrement(value: number): number {
  if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
  if (value < 0) throw new Error('It is not possible to decrease a counter');
  return value;
}

/** Holds every metric of a running service; `metricsFor(id)` hands out per-component views. */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly byName = new Map<string, Counter | Gauge | Histogram>();
  private readonly tables = new Map<string, SeriesTable>();

  metricsFor(component: string): Metrics {
    const bind = (labels?: Labels): Labels => ({ ...labels, component });
    // What every kspan metric is made with: the prefix, the component label, this registry.
    const base = (name: string, help: string, labelNames: readonly string[]) => ({
      name: `kspan_${name}`,
      help,
      labelNames: ['component', ...labelNames],
      registers: [this.registry],
    });
    // A counter or gauge whose values are kept here; `write` hands one to prom-client (at each
    // scrape, and at 0 to have a new label set checked).
    const kept = <M extends Counter | Gauge>(
      name: string,
      labelNames: readonly string[],
      make: (collect: (this: M) => void) => M,
      write: (m: M, labels: Labels, value: number) => void,
    ) => {
      const table = this.table(name);
      const m = this.get(name, () =>
        make(function collect() {
          this.reset();
          for (const s of table.values()) write(this, s.labels, s.value);
        }),
      ) as M;
      return seriesFinder(table, component, labelNames, (l) => write(m, l, 0));
    };
    return {
      counter: (name, help, labelNames = []) => {
        const series = kept<Counter>(
          name,
          labelNames,
          (collect) => new Counter({ ...base(name, help, labelNames), collect }),
          (m, l, v) => m.inc(l, v),
        );
        // Present at 0 from the start, so rate() and absent() work before the first increment.
        if (labelNames.length === 0) series();
        return {
          inc: (labels, value = 1) => {
            series(labels).value += counterIncrement(value);
          },
        };
      },
      gauge: (name, help, labelNames = []) => {
        const series = kept<Gauge>(
          name,
          labelNames,
          (collect) => new Gauge({ ...base(name, help, labelNames), collect }),
          (m, l, v) => m.set(l, v),
        );
        return {
          set: (labels, value) => {
            series(labels).value = value;
          },
          inc: (labels, value = 1) => {
            series(labels).value += value;
          },
          dec: (labels, value = 1) => {
            series(labels).value -= value;
          },
        };
      },
      histogram: (name, help, labelNames = [], buckets) => {
        const m = this.get(
          name,
          () => new Histogram({ ...base(name, help, labelNames), ...(buckets ? { buckets } : {}) }),
        ) as Histogram;
        return { observe: (labels, value) => m.observe(bind(labels), value) };
      },
      scrapedGauge: (name, help, labelNames, read) => {
        // Components share a metric name: the gauge asks every component's reader at each scrape.
        let readers = this.scrapeReaders.get(name);
        if (!readers) {
          const all: Array<() => Iterable<GaugeSample>> = [];
          readers = all;
          this.get(
            name,
            () =>
              new Gauge({
                ...base(name, help, labelNames),
                collect() {
                  this.reset();
                  for (const r of all) for (const s of r()) this.set(s.labels, s.value);
                },
              }),
          );
          this.scrapeReaders.set(name, all);
        }
        readers.push(() => [...read()].map((s) => ({ labels: bind(s.labels), value: s.value })));
      },
    };
  }

  private table(name: string): SeriesTable {
    let t = this.tables.get(name);
    if (!t) {
      t = new Map();
      this.tables.set(name, t);
    }
    return t;
  }

  private readonly scrapeReaders = new Map<string, Array<() => Iterable<GaugeSample>>>();

  private processMetrics = false;

  /** Adds the `process_*` and `nodejs_*` metrics (CPU, memory, handles, event loop lag, GC). */
  withProcessMetrics(): this {
    if (!this.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.processMetrics = true;
    return this;
  }

  /** Current value of a counter or gauge summed over the series matching `labels` (for tests and summaries). */
  async value(name: string, labels: Labels = {}): Promise<number> {
    const metric = this.byName.get(name);
    if (!metric) return 0;
    const data = await metric.get();
    return data.values
      .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
      .reduce((sum, v) => sum + v.value, 0);
  }

  private get<T extends Counter | Gauge | Histogram>(name: string, make: () => T): T {
    let m = this.byName.get(name);
    if (!m) {
      m = make();
      this.byName.set(name, m);
    }
    return m as T;
  }
}

/** Metrics that go nowhere, for embedding a component without a service. */
export function noopMetrics(): Metrics {
  return new MetricsRegistry().metricsFor('embedded');
}
