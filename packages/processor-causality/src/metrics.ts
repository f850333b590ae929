import type { ComponentContext } from '@kspan/core';
import type { CausalityEngine } from './engine.js';

/** Publishes counts (by label value) as increments of a counter since the last call. */
type Publish = (counts: Record<string, number>) => void;

/**
 * Registers the processor's metrics and returns a function that publishes what the engine counted
 * since the last call (the engine keeps plain counters; see stats.ts). Names get core's `kspan_` prefix.
 */
export function publishMetrics(engine: CausalityEngine, ctx: ComponentContext): () => void {
  const counter = (name: string, help: string, label?: string): Publish => {
    const c = ctx.metrics.counter(name, help, label ? [label] : undefined);
    const last = new Map<string, number>();
    return (counts) => {
      for (const [value, n] of Object.entries(counts)) {
        const d = n - (last.get(value) ?? 0);
        last.set(value, n);
        if (d > 0) c.inc(label ? { [label]: value } : undefined, d);
      }
    };
  };
  const metrics = {
    items: counter(
      'causality_items_total',
      'Items consumed, by kind (object, event, occurrence, duplicate, event_deleted)',
      'kind',
    ),
    dropped: counter(
      'causality_dropped_items_total',
      'Items dropped as unusable, by reason',
      'reason',
    ),
    spans: counter(
      'causality_spans_total',
      'Spans emitted, by type (event, root, follow_on)',
      'type',
    ),
    parents: counter(
      'causality_parents_total',
      'How spans found their parent (named, owner, root, traceparent, none, repeat)',
      'via',
    ),
    notEmitted: counter(
      'causality_spans_not_emitted_total',
      'Spans not emitted, by reason (open_at_shutdown: not final when the service stopped; a restart re-derives them)',
      'reason',
    ),
    traces: counter('causality_traces_total', 'Traces started (one per change)'),
    evicted: counter(
      'causality_evictions_total',
      'State entries evicted because a cap was reached, by cache',
      'cache',
    ),
    expired: counter(
      'causality_expirations_total',
      'State entries that expired, by cache',
      'cache',
    ),
    traceparent: counter(
      'causality_traceparent_ignored_total',
      'traceparent annotations ignored (invalid, or older than the spec change)',
    ),
  };
  const state = ctx.metrics.gauge('causality_state_entries', 'Entries held, by cache', ['cache']);

  return () => {
    const s = engine.stats;
    metrics.items({
      object: s.objects,
      event: s.newEvents,
      occurrence: s.occurrences,
      duplicate: s.duplicates,
      event_deleted: s.eventsDeleted,
    });
    metrics.dropped(s.dropped);
    metrics.spans(s.spans);
    metrics.parents(s.parents);
    metrics.notEmitted({ open_at_shutdown: s.heldAtShutdown.events + s.heldAtShutdown.roots });
    metrics.traces({ '': s.traces });
    const g = engine.graphCounters();
    const tl = engine.timelineCounters();
    metrics.traceparent({ '': g.ignoredTraceparent });
    metrics.evicted({ ...s.evicted, objects: g.evicted, timelines: tl.evicted });
    metrics.expired({ ...s.expired, tombstones: g.expired, timelines: tl.expired });
    for (const [cache, n] of Object.entries(engine.sizes())) state.set({ cache }, n);
  };
}
