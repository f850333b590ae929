import { Heap, type KubeObject, type WatchEvent, type WatchEventType } from '@kspan/core';
import { ResourceVersions, isoNanos } from './ids.js';
import type { ObjectShape } from './objects.js';
import { Rng } from './prng.js';
import { cronJobRun } from './scenarios/cronjob.js';
import { crashLoop } from './scenarios/crashloop.js';
import { deploymentRollout } from './scenarios/deployment.js';
import { statefulSetRollout } from './scenarios/statefulset.js';
import { World } from './world.js';

export interface WorkloadOptions {
  /** Watch events to produce (every line counts: Events and owner objects). */
  events: number;
  seed?: number;
  /** Event-time rate of the simulated cluster, watch events per second (default 1000). */
  ratePerSecond?: number;
  /** Share of items delivered late, by up to `maxDelayMs` (default 0.05). */
  lateShare?: number;
  /** Longest extra delivery delay of a late item (default 3000 ms). */
  maxDelayMs?: number;
  /** Owner objects as a metadata-only watch delivers them (default) or full. */
  shape?: ObjectShape;
  /** Largest Deployment (most rollouts have 2..this; one in ten up to three times as many). */
  maxReplicas?: number;
  /** Scenario weights (default rollout 0.6, cronjob 0.2, statefulset 0.1, crashloop 0.1). */
  mix?: Partial<Record<ScenarioKind, number>>;
  /** Event time of the first item (default 2026-11-02T09:00:00Z). */
  startMs?: number;
  /** Delivery delay of an on-time item, ms (default 2..30). */
  baseDelayMs?: [number, number];
}

export type ScenarioKind = 'rollout' | 'cronjob' | 'statefulset' | 'crashloop';

const DEFAULT_MIX: Record<ScenarioKind, number> = {
  rollout: 0.6,
  cronjob: 0.2,
  statefulset: 0.1,
  crashloop: 0.1,
};

interface Pending {
  type: WatchEventType;
  object: KubeObject;
  observedMs: number;
  /** Production order: items observed at the same time are delivered in it. */
  seq: number;
}

const deliveredFirst = (a: Pending, b: Pending) =>
  a.observedMs < b.observedMs || (a.observedMs === b.observedMs && a.seq < b.seq);

/**
 * Synthetic cluster activity in the capture format, in delivery (`observedAt`) order. Scenarios
 * start at exponentially distributed intervals so that the event-time rate is `ratePerSecond`;
 * each item is delivered 2-30 ms after it happened, a `lateShare` of them up to `maxDelayMs` later
 * (out of order, as separate watches and event recorders deliver). `resourceVersion`s increase in
 * delivery order. The same options and seed give the same items.
 */
export function* workload(options: WorkloadOptions): Generator<WatchEvent> {
  const rng = new Rng(options.seed ?? 1);
  const delays = rng.fork();
  const rate = options.ratePerSecond ?? 1000;
  const lateShare = options.lateShare ?? 0.05;
  const maxDelay = options.maxDelayMs ?? 3000;
  const [dMin, dMax] = options.baseDelayMs ?? [2, 30];
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const kinds = Object.keys(mix) as ScenarioKind[];
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  const rv = new ResourceVersions();
  const heap = new Heap<Pending>(deliveredFirst);
  let produced = 0;
  const world = new World(
    rng.fork(),
    options.shape ?? 'metadata',
    (timeMs, type, object, initial) => {
      let observedMs = timeMs + delays.between(dMin, dMax);
      if (!initial && delays.chance(lateShare)) observedMs += delays.between(0, maxDelay);
      if (initial) observedMs = timeMs;
      heap.push({ type, object, observedMs, seq: produced });
      produced++;
    },
    200,
    () => rv.current(),
  );

  let emitted = 0;
  const deliver = (p: Pending): WatchEvent => {
    (p.object.metadata ?? {}).resourceVersion = rv.next();
    emitted++;
    return { type: p.type, object: p.object, observedAt: isoNanos(p.observedMs) };
  };

  let clock = options.startMs ?? Date.parse('2026-11-02T09:00:00Z');
  const scenarioRng = rng.fork();
  while (emitted < options.events) {
    // Everything that will be delivered before `clock` is final: later scenarios start after it.
    while (heap.size > 0 && heap.peek()!.observedMs < clock && emitted < options.events) {
      yield deliver(heap.pop() as Pending);
    }
    if (emitted >= options.events) return;
    if (produced - emitted > options.events - emitted + 1000) {
      // enough is queued to finish: drain without starting more
      clock = Infinity;
      continue;
    }
    const before = produced;
    let r = scenarioRng.next() * total;
    let kind: ScenarioKind = 'rollout';
    for (const k of kinds) {
      r -= mix[k];
      if (r < 0) {
        kind = k;
        break;
      }
    }
    switch (kind) {
      case 'rollout':
        deploymentRollout(world, clock, options.maxReplicas ?? 12);
        break;
      case 'cronjob':
        cronJobRun(world, clock);
        break;
      case 'statefulset':
        statefulSetRollout(world, clock);
        break;
      case 'crashloop':
        crashLoop(world, clock);
        break;
    }
    clock += scenarioRng.exp(((produced - before) / rate) * 1000);
    if (heap.size === 0 && produced === before) break;
  }
}

/** `workload` as capture-format NDJSON lines (no newline). */
export function* workloadLines(options: WorkloadOptions): Generator<string> {
  for (const ev of workload(options)) yield JSON.stringify(ev);
}
