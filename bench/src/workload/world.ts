import type { KubeObject, WatchEventType } from '@kspan/core';
import { uid } from './ids.js';
import { render, type ObjRef, type ObjectShape, type SimObject } from './objects.js';
import type { CoreEvent } from './events.js';
import type { Rng } from './prng.js';

/** Where a scenario puts what happened: an item that happened at `timeMs`. */
export type Sink = (
  timeMs: number,
  type: WatchEventType,
  object: KubeObject,
  /** State known before the scenario (an earlier list): delivered without reordering delay. */
  initial?: boolean,
) => void;

const NAMESPACES = ['shop', 'payments', 'search', 'identity', 'media', 'analytics', 'ops', 'web'];
const WORDS = [
  'api',
  'cart',
  'checkout',
  'catalog',
  'worker',
  'frontend',
  'gateway',
  'auth',
  'billing',
  'indexer',
  'notifier',
  'thumbnailer',
  'recommender',
  'ledger',
  'session',
  'inventory',
];
const REGISTRY = 'registry.example.com';

/** The cluster a workload runs in, and the helpers scenarios share. */
export class World {
  readonly namespaces: readonly string[] = NAMESPACES;
  readonly nodes: readonly string[];
  private readonly used = new Map<string, number>();

  constructor(
    readonly rng: Rng,
    readonly shape: ObjectShape,
    readonly sink: Sink,
    nodes = 200,
    /** The cluster's latest resourceVersion, for `involvedObject.resourceVersion`. */
    private readonly currentRv: () => string = () => '1',
  ) {
    this.nodes = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(4, '0')}`);
  }

  /** A unique name in a namespace, from a word list (`cart-17`). */
  name(namespace: string, prefix = this.rng.pick(WORDS)): string {
    const key = `${namespace}/${prefix}`;
    const n = (this.used.get(key) ?? 0) + 1;
    this.used.set(key, n);
    return `${prefix}-${n}`;
  }

  image(app: string): string {
    return `${REGISTRY}/${app.replace(/-\d+$/, '')}:${this.rng.int(1, 4)}.${this.rng.int(0, 30)}.${this.rng.int(0, 9)}`;
  }

  /** A new object; `createdMs` before the scenario for pre-existing ones. */
  object(
    kind: 'Deployment' | 'ReplicaSet' | 'Pod' | 'StatefulSet' | 'CronJob' | 'Job',
    name: string,
    namespace: string,
    createdMs: number,
    extra: Partial<SimObject> = {},
  ): SimObject {
    const apiVersion =
      kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    return {
      apiVersion,
      kind,
      name,
      namespace,
      uid: uid(this.rng),
      createdMs,
      labels: {},
      writers: [],
      detail: {},
      ...extra,
    };
  }

  /** Delivers the current state of `o`. */
  put(timeMs: number, type: WatchEventType, o: SimObject, initial = false): void {
    this.sink(timeMs, type, render(o, this.shape), initial);
  }

  /** Delivers one more occurrence of an Event. */
  event(timeMs: number, ev: CoreEvent): void {
    const { type, object } = ev.occur(timeMs, this.currentRv());
    this.sink(timeMs, type, object);
  }

  rv(): string {
    return this.currentRv();
  }

  raw(timeMs: number, type: WatchEventType, object: KubeObject): void {
    this.sink(timeMs, type, object);
  }
}

export function podOwnerRef(o: ObjRef): ObjRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    uid: o.uid,
  };
}
