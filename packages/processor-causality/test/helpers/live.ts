// Helpers for the tests of what a stop and a restart do (shutdown, restart, story): a live process
// on a virtual clock, what a restarted one lists, a two-generation Deployment, and how a span is
// compared across processes.
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MetricsRegistry, schedulerClock, standaloneContext, type WatchEvent } from '@kspan/core';
import { at, obj, uidOf } from '@kspan/testing';
import { causalityProcessor, withDefaults } from '../../src/index.js';

const BASE_MS = Date.parse(at(0));
/** Seconds after the tests' base time of an item's observation. */
export const obsOf = (w: WatchEvent) => (Date.parse(w.observedAt!) - BASE_MS) / 1000;
export const observed = (w: WatchEvent, sec: number): WatchEvent => ({ ...w, observedAt: at(sec) });
export const withCreation = (w: WatchEvent, sec: number): WatchEvent => ({
  ...w,
  object: { ...w.object, metadata: { ...w.object.metadata, creationTimestamp: at(sec) } },
});

/** What a backend stores of a span (all but the order of export). */
export const storedContent = (s: ReadableSpan) =>
  JSON.stringify({
    name: s.name,
    trace: s.spanContext().traceId,
    parent: s.parentSpanContext?.spanId ?? '',
    start: s.startTime,
    end: s.endTime,
    attributes: s.attributes,
    links: s.links.map((l) => [l.context.spanId, l.attributes]),
    events: s.events.map((e) => [e.name, e.time, e.attributes]),
    service: s.resource.attributes['service.name'],
  });

/**
 * The span ids that runs emitted with different stored contents (each with who said what): none,
 * when every process emitted each span as the others did.
 */
export function differingContents(runs: Record<string, ReadableSpan[]>): [string, string][][] {
  const byId = new Map<string, [string, string][]>();
  for (const [who, spans] of Object.entries(runs))
    for (const s of spans) {
      const id = s.spanContext().spanId;
      byId.set(id, [...(byId.get(id) ?? []), [who, storedContent(s)]]);
    }
  return [...byId.values()].filter((v) => new Set(v.map(([, c]) => c)).size > 1);
}

/**
 * A live process on a virtual clock, fed `input` at its observation times and stopped at `stopAt`:
 * by the service's shutdown (`ctx.stopping` aborted first, as at SIGTERM) or by its input ending
 * (a replay's end).
 */
export function liveUntil(
  input: WatchEvent[],
  stopAt: number,
  how: 'shutdown' | 'end' = 'shutdown',
): { spans: ReadableSpan[]; registry: MetricsRegistry } {
  const scheduler = new VirtualTimeScheduler();
  const stopping = new AbortController();
  const registry = new MetricsRegistry();
  const ctx = standaloneContext({
    id: 'causality',
    clock: schedulerClock(scheduler),
    stopping: stopping.signal,
    metrics: registry.metricsFor('causality'),
  });
  const subject = new Subject<WatchEvent>();
  const spans: ReadableSpan[] = [];
  subject.pipe(causalityProcessor.create(withDefaults({}), ctx)).subscribe((s) => spans.push(s));
  for (const w of input)
    if (obsOf(w) <= stopAt) scheduler.schedule(() => subject.next(w), obsOf(w) * 1000);
  scheduler.schedule(() => {
    if (how === 'shutdown') stopping.abort();
    subject.complete();
  }, stopAt * 1000);
  scheduler.flush();
  return { spans, registry };
}

/**
 * A Deployment `web` written by `kubectl-client-side-apply` at 0 (generation 1) and at 20
 * (generation 2), with one ReplicaSet per generation.
 */
export function twoGenerations() {
  const d1 = withCreation(
    obj('Deployment', 'web', {
      generation: 1,
      specWriter: { manager: 'kubectl-client-side-apply', at: 0 },
      observedAt: 0,
    }),
    0,
  );
  const dep = { kind: 'Deployment', name: 'web', uid: uidOf(d1) };
  const d2 = withCreation(
    obj('Deployment', 'web', {
      uid: dep.uid,
      generation: 2,
      specWriter: { manager: 'kubectl-client-side-apply', at: 20 },
      type: 'MODIFIED',
      observedAt: 20,
    }),
    0,
  );
  const rs1 = obj('ReplicaSet', 'web-5d4f8b7c9', { owner: dep, observedAt: 0 });
  const rs2 = obj('ReplicaSet', 'web-6b8c9d7f4', { owner: dep, observedAt: 20 });
  return { d1, dep, d2, rs1, rs2 };
}
