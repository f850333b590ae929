// The shipped alert rules and dashboard may only query metrics kspan registers: a renamed metric
// would otherwise leave an alert that never fires. Also: the Collector-named series and the
// process/runtime metrics are there from the start, at 0 before anything happened.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Service, loadConfigText, silentLogger } from '@kspan/core';
import { components } from '../src/components.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** Every component that registers metrics, as a live deployment configures them. */
const CONFIG = `
extensions:
  k8s_leader_elector: { lease_namespace: kspan }
receivers:
  k8s_events: { k8s_leader_elector: k8s_leader_elector }
  k8s_capture: { path: /dev/null }
processors:
  causality: {}
exporters:
  otlp: { endpoint: 127.0.0.1:4317, tls: { insecure: true } }
  zipkin: { endpoint: http://127.0.0.1:9411/api/v2/spans }
service:
  extensions: [k8s_leader_elector]
  pipelines:
    traces: { receivers: [k8s_events], processors: [causality], exporters: [otlp] }
    traces/replay: { receivers: [k8s_capture], processors: [causality], exporters: [zipkin] }
`;

async function registeredNames(): Promise<{ names: Set<string>; text: string }> {
  const service = Service.build(loadConfigText(CONFIG, components, { env: {} }), {
    logger: silentLogger,
  });
  const json = await service.metrics.registry.getMetricsAsJSON();
  return {
    names: new Set(json.map((m) => m.name)),
    text: await service.metrics.registry.metrics(),
  };
}

/** Metric names in PromQL text: our prefixes, histogram suffixes folded onto their metric. */
function queriedNames(promql: string): string[] {
  const found = promql.match(/\b(?:kspan|otelcol|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(found.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

describe('monitoring: rules and dashboard query only registered metrics', () => {
  it('every expression of deploy/monitoring/prometheus-rule.yaml', async () => {
    const { names } = await registeredNames();
    const rule = parse(
      readFileSync(join(REPO, 'deploy/monitoring/prometheus-rule.yaml'), 'utf8'),
    ) as { spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> } };
    const rules = rule.spec.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).to.include.members([
      'KspanSpansDropped',
      'KspanWatchNotLive',
      'KspanNoEventsWhileBusy',
      'KspanWatchSilent',
      'KspanLeaderFlapping',
    ]);
    const unknown = rules.flatMap((r) =>
      queriedNames(r.expr)
        .filter((n) => !names.has(n))
        .map((n) => `${r.alert}: ${n}`),
    );
    expect(unknown).to.deep.equal([]);
    expect(rules.every((r) => queriedNames(r.expr).length > 0)).to.equal(true);
  });

  it('every query of deploy/monitoring/grafana-dashboard.json', async () => {
    const { names } = await registeredNames();
    const board = JSON.parse(
      readFileSync(join(REPO, 'deploy/monitoring/grafana-dashboard.json'), 'utf8'),
    ) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ query: string }> };
    };
    const exprs = [
      ...board.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
      ...board.templating.list.map((t) => ({ where: 'variable', expr: t.query })),
    ];
    const unknown = exprs.flatMap((e) =>
      queriedNames(e.expr)
        .filter((n) => !names.has(n))
        .map((n) => `${e.where}: ${n}`),
    );
    expect(unknown).to.deep.equal([]);
  });

  it('the Collector-named series and process/runtime metrics are present at 0 from the start', async () => {
    const { text } = await registeredNames();
    for (const line of [
      'otelcol_receiver_accepted_log_records_total{receiver="k8s_events"} 0',
      'otelcol_receiver_refused_log_records_total{receiver="k8s_capture"} 0',
      'otelcol_exporter_sent_spans_total{exporter="otlp"} 0',
      'otelcol_exporter_send_failed_spans_total{exporter="zipkin"} 0',
      'otelcol_exporter_enqueue_failed_spans_total{exporter="otlp"} 0',
      'otelcol_exporter_queue_size{exporter="otlp"} 0',
      'kspan_leader{component="k8s_leader_elector"} 0',
    ])
      expect(text, line).to.include(line);
    // the capacity is known once the exporter's sending queue is built (when the pipeline starts)
    expect(text).to.match(/^otelcol_exporter_queue_capacity\{exporter="otlp"\} \d+$/m);
    expect(text).to.match(/^process_resident_memory_bytes \d+/m);
    expect(text).to.match(/^nodejs_eventloop_lag_seconds /m);
  });
});
