import { Counter, Gauge, type Registry } from 'prom-client';
import type { Labels, MetricsRegistry } from './metrics.js';
import { ALREADY_EXPORTED } from '../operators/skip-delivered.js';

/** One Collector-named metric and the kspan series it is computed from (docs/metrics.md). */
interface Alias {
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  per: 'receiver' | 'exporter';
  /** kspan metric names (without `kspan_`) and label filters, summed; `minus` subtracted. */
  from: Array<[string, Labels]>;
  minus?: Array<[string, Labels]>;
}

/**
 * The Collector's own metric names, where kspan has a metric of the same meaning. Receivers turn
 * Kubernetes Events into items as the Collector's k8s_events receiver turns them into log records,
 * hence `_log_records`; exporters send spans.
 */
export const COLLECTOR_ALIASES: readonly Alias[] = [
  {
    name: 'otelcol_receiver_accepted_log_records_total',
    help: 'Items (Events and owner objects) the receiver pushed into the pipeline',
    kind: 'counter',
    per: 'receiver',
    from: [['receiver_items_total', {}]],
  },
  {
    name: 'otelcol_receiver_refused_log_records_total',
    help: 'Items the receiver could not decode and dropped',
    kind: 'counter',
    per: 'receiver',
    from: [
      ['watch_malformed_total', {}],
      ['capture_malformed_total', {}],
    ],
  },
  {
    name: 'otelcol_exporter_sent_spans_total',
    help: 'Spans the backend accepted',
    kind: 'counter',
    per: 'exporter',
    from: [['exporter_spans_total', { outcome: 'sent' }]],
  },
  {
    name: 'otelcol_exporter_send_failed_spans_total',
    help: 'Spans that could not be sent (failed after retries, cut off at shutdown, exporter crashed)',
    kind: 'counter',
    per: 'exporter',
    from: [
      ['exporter_spans_total', { outcome: 'failed' }],
      ['exporter_spans_total', { outcome: 'dropped' }],
    ],
    // Not a failure: queue_full has its own series; already_exported were delivered by an earlier run.
    minus: [
      ['exporter_spans_total', { outcome: 'dropped', reason: 'queue_full' }],
      ['exporter_spans_total', { outcome: 'dropped', reason: ALREADY_EXPORTED }],
    ],
  },
  {
    name: 'otelcol_exporter_enqueue_failed_spans_total',
    help: 'Spans dropped because the sending queue was full',
    kind: 'counter',
    per: 'exporter',
    from: [['exporter_spans_total', { outcome: 'dropped', reason: 'queue_full' }]],
  },
  {
    name: 'otelcol_exporter_queue_size',
    help: 'Spans in the sending queue',
    kind: 'gauge',
    per: 'exporter',
    from: [['exporter_queue_size', {}]],
  },
  {
    name: 'otelcol_exporter_queue_capacity',
    help: 'Most spans the sending queue holds',
    kind: 'gauge',
    per: 'exporter',
    from: [['exporter_queue_capacity', {}]],
  },
];

/**
 * Registers the Collector-named series, one per receiver or exporter id, present at 0 from the
 * start and computed from the kspan series at every scrape (one source of truth, no double counting).
 */
export function registerCollectorAliases(
  metrics: MetricsRegistry,
  ids: { receivers: string[]; exporters: string[] },
  registry: Registry = metrics.registry,
): void {
  const sum = async (parts: Array<[string, Labels]>, component: string) => {
    let n = 0;
    for (const [name, labels] of parts) n += await metrics.value(name, { ...labels, component });
    return n;
  };
  for (const a of COLLECTOR_ALIASES) {
    if (registry.getSingleMetric(a.name)) continue; // a second service on a shared registry
    const label = a.per;
    const list = a.per === 'receiver' ? ids.receivers : ids.exporters;
    const values = async () =>
      Promise.all(
        list.map(
          async (id) => [id, (await sum(a.from, id)) - (await sum(a.minus ?? [], id))] as const,
        ),
      );
    if (a.kind === 'counter') {
      new Counter({
        name: a.name,
        help: a.help,
        labelNames: [label],
        registers: [registry],
        async collect() {
          this.reset();
          for (const [id, v] of await values()) this.inc({ [label]: id }, v);
        },
      });
    } else {
      new Gauge({
        name: a.name,
        help: a.help,
        labelNames: [label],
        registers: [registry],
        async collect() {
          for (const [id, v] of await values()) this.set({ [label]: id }, v);
        },
      });
    }
  }
}
