import type { ComponentContext } from '@kspan/core';
import type { CausalityEngine } from './engine.js';

/**
 * Registers the processor's metrics and returns a function that publishes what the engine counted
 * since the last call (the engine keeps plain counters; see stats.ts). Names get core's `kspan_` prefix.
 */
export function publishMetrics(engine: CausalityEngine, ctx: ComponentContext): () => void {
  const m = ctx.metrics;
  const items = m.counter(
    'causality_items_total',
    'Items consumed, by kind (object, event, occurrence, duplicate, event_deleted)',
    ['kind'],
  );
  const dropped = m.counter(
    'causality_dropped_items_total',
    'Items dropped as unusable, by reason',
    ['reason'],
  );
  const spans = m.counter(
    'causality_spans_total',
    'Spans emitted, by type (event, root, follow_on)',
    ['type'],
  );
  const parents = m.counter(
    'causality_parents_total',
    'How spans found their parent (named, owner, root, traceparent, none, repeat)',
    ['via'],
  );
  const traces = m.counter('causality_traces_total', 'Changes (traces) started');
  const evicted = m.counter(
    'causality_evictions_total',
    'State entries evicted because a cap was reached, by cache',
    ['cache'],
  );
  const expired = m.counter('causality_expirations_total', 'State entries that expired, by cache', [
    'cache',
  ]);
  const traceparent = m.counter(
    'causality_traceparent_ignored_total',
    'traceparent annotations ignored (invalid, or older than the spec change)',
  );
  const state = m.gauge('causality_state_entries', 'Entries held, by cache', ['cache']);

  const last = new Map<string, number>();
  const delta = (key: string, value: number): number => {
    const d = value - (last.get(key) ?? 0);
    last.set(key, value);
    return d;
  };
  const add = (
    counter: { inc(labels?: Record<string, string>, v?: number): void },
    key: string,
    value: number,
    labels?: Record<string, string>,
  ) => {
    const d = delta(key, value);
    if (d > 0) counter.inc(labels, d);
  };

  return () => {
    const s = engine.stats;
    add(items, 'i/object', s.objects, { kind: 'object' });
    add(items, 'i/event', s.newEvents, { kind: 'event' });
    add(items, 'i/occurrence', s.occurrences, { kind: 'occurrence' });
    add(items, 'i/duplicate', s.duplicates, { kind: 'duplicate' });
    add(items, 'i/event_deleted', s.eventsDeleted, { kind: 'event_deleted' });
    for (const [reason, n] of Object.entries(s.dropped)) add(dropped, `d/${reason}`, n, { reason });
    for (const [type, n] of Object.entries(s.spans)) add(spans, `s/${type}`, n, { type });
    for (const [via, n] of Object.entries(s.parents)) add(parents, `p/${via}`, n, { via });
    add(traces, 't', s.traces);
    const g = engine.graphCounters();
    add(traceparent, 'tp', g.ignoredTraceparent);
    const ev = { ...s.evicted, objects: g.evicted, timelines: engine.timelineCounters().evicted };
    const ex = {
      ...s.expired,
      tombstones: g.expired,
      timelines: engine.timelineCounters().expired,
    };
    for (const [cache, n] of Object.entries(ev)) add(evicted, `e/${cache}`, n, { cache });
    for (const [cache, n] of Object.entries(ex)) add(expired, `x/${cache}`, n, { cache });
    for (const [cache, n] of Object.entries(engine.sizes())) state.set({ cache }, n);
  };
}
