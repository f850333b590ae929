import { expect } from 'chai';
import fc from 'fast-check';
import { Counter, Gauge, Registry } from 'prom-client';
import { MetricsRegistry, type Labels } from '../src/telemetry/metrics.js';

// What components do to their metrics: counters and gauges with 0, 1 or 2 labels, from two
// components sharing metric names, label values repeating (the per-event case).
type Op =
  | { kind: 'counter'; component: string; labels: Labels | undefined; value: number }
  | { kind: 'gauge'; component: string; how: 'set' | 'inc' | 'dec'; labels: Labels; value: number };

const component = fc.constantFrom('causality', 'otlp/a');
const value = fc.integer({ min: 0, max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('counter' as const),
    component,
    labels: fc.option(
      fc.record({
        kind: fc.constantFrom('object', 'event', ''),
        reason: fc.constantFrom('a', 'b'),
      }),
      { nil: undefined },
    ),
    value,
  }),
  fc.record({
    kind: fc.constant('gauge' as const),
    component,
    how: fc.constantFrom('set' as const, 'inc' as const, 'dec' as const),
    labels: fc.record({ cache: fc.constantFrom('events', 'objects', 'timelines') }),
    value,
  }),
);

/** The same operations straight on prom-client, each label set bound per call (what kspan did). */
function promClientText(ops: Op[]): Promise<string> {
  const registry = new Registry();
  const items = new Counter({
    name: 'kspan_items_total',
    help: 'items',
    labelNames: ['component', 'kind', 'reason'],
    registers: [registry],
  });
  const state = new Gauge({
    name: 'kspan_state_entries',
    help: 'entries',
    labelNames: ['component', 'cache'],
    registers: [registry],
  });
  for (const o of ops) {
    const labels = { ...o.labels, component: o.component };
    if (o.kind === 'counter') items.inc(labels, o.value);
    else state[o.how](labels, o.value);
  }
  return registry.metrics();
}

function kspanText(ops: Op[]): Promise<string> {
  const metrics = new MetricsRegistry();
  // Both metrics registered from the start, as on the prom-client side.
  metrics.metricsFor('causality').counter('items_total', 'items', ['kind', 'reason']);
  metrics.metricsFor('causality').gauge('state_entries', 'entries', ['cache']);
  const views = new Map<string, ReturnType<MetricsRegistry['metricsFor']>>();
  for (const o of ops) {
    let m = views.get(o.component);
    if (!m) views.set(o.component, (m = metrics.metricsFor(o.component)));
    // A handle per call too: components ask for the same metric more than once.
    if (o.kind === 'counter')
      m.counter('items_total', 'items', ['kind', 'reason']).inc(o.labels, o.value);
    else m.gauge('state_entries', 'entries', ['cache'])[o.how](o.labels, o.value);
  }
  return metrics.registry.metrics();
}

describe('MetricsRegistry', () => {
  it('/metrics shows what prom-client shows for the same updates (values, series, order)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
        expect(await kspanText(ops)).to.equal(await promClientText(ops));
      }),
      { numRuns: 300 },
    );
  });

  it('a counter without labels is present at 0 before its first increment', async () => {
    const metrics = new MetricsRegistry();
    metrics.metricsFor('k8s_capture').counter('capture_malformed_total', 'skipped');
    expect(await metrics.registry.metrics()).to.contain(
      'kspan_capture_malformed_total{component="k8s_capture"} 0',
    );
    expect(await metrics.value('capture_malformed_total')).to.equal(0);
  });

  it('refuses what prom-client refuses: a label it was not given, a counter going down', () => {
    const m = new MetricsRegistry().metricsFor('otlp');
    const c = m.counter('requests_total', 'requests', ['outcome']);
    expect(() => c.inc({ status: '500' })).to.throw(/not included in initial labelset/);
    expect(() => c.inc({ outcome: 'ok' }, -1)).to.throw(/not possible to decrease a counter/);
    expect(() => m.gauge('queue', 'size').set({ bogus: 'x' }, 1)).to.throw(/initial labelset/);
  });

  it('value() sums the series matching some labels, as scraped', async () => {
    const metrics = new MetricsRegistry();
    const spans = metrics.metricsFor('otlp').counter('spans_total', 'spans', ['outcome']);
    spans.inc({ outcome: 'sent' }, 5);
    spans.inc({ outcome: 'dropped' }, 2);
    spans.inc({ outcome: 'sent' });
    metrics
      .metricsFor('zipkin')
      .counter('spans_total', 'spans', ['outcome'])
      .inc({ outcome: 'sent' });
    expect(await metrics.value('spans_total', { component: 'otlp', outcome: 'sent' })).to.equal(6);
    expect(await metrics.value('spans_total', { outcome: 'sent' })).to.equal(7);
    expect(await metrics.value('spans_total')).to.equal(9);
  });
});
