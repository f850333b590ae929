// Figure: memory held by the causality processor for the owner graph of a large cluster. The
// owner objects of `pods` Pods (with their ReplicaSets and Deployments) go through what a real run
// does to them: by default (`input: status`) whole objects as the API server sends them (Pods ~4.5
// KB of JSON with spec, status and managedFields), shrunk by the receiver's own transforms
// (objectWithStatus for the default owners.status_kinds, ownerMetadata for ReplicaSets), then the
// causality operator; `input: metadata` feeds metadata-only objects instead (status_kinds: []).
// With `receiver: true` the objects come through the whole k8s_events receiver instead (from a
// simulated API server, lib/simulated-api.ts), so its dedupe tables are in the figure too. Heap and RSS are read after a full GC, before and after, and divided by the number of Pods. Run
// as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/heap.ts '{"pods":150000}'
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Subject, type Subscription } from 'rxjs';
import {
  MetricsRegistry,
  resolveComponentConfig,
  standaloneContext,
  type KubeObject,
  type WatchEvent,
} from '@kspan/core';
import { causality } from '@kspan/processor-causality';
import {
  DEFAULT_STATUS_KINDS,
  k8sEventsReceiver,
  k8sEventsStream,
  objectWithStatus,
  ownerMetadata,
} from '@kspan/receiver-k8s-events';
import { childMain, fullGc, progress } from '../lib/child.js';
import { sumMetric } from '../lib/cluster.js';
import { simulatedApi } from '../lib/simulated-api.js';
import { clusterState, type ClusterCounts } from '../workload/index.js';

export interface HeapArgs {
  pods: number;
  seed?: number;
  /**
   * `status` (default): whole objects through the receiver's transforms, as with the default
   * owners.status_kinds; `metadata`: what a metadata-only watch sends.
   */
  input?: 'status' | 'metadata';
  /**
   * Through the whole k8s_events receiver (its dedupe tables included) from a simulated API
   * server, instead of the receiver's transforms alone.
   */
  receiver?: boolean;
  /** Write heap snapshots before and after into this directory (see tools/heap-summary.ts). */
  snapshotDir?: string;
}

export interface HeapResult {
  heap_bytes_per_pod: number;
  rss_bytes_per_pod: number;
  heap_bytes_per_object: number;
  heap_pods: number;
  heap_objects: number;
  heap_objects_tracked: number;
  heap_objects_evicted: number;
  heap_delta_bytes: number;
  /** JSON bytes of a Pod as the API server sent it, and as it went into the processor (means). */
  heap_input_pod_bytes: number;
  heap_processed_pod_bytes: number;
  heap_input: string;
}

/** What the receiver does to an object of the API server before anyone sees it. */
function receiverTransform(input: 'status' | 'metadata'): (o: KubeObject) => KubeObject {
  if (input === 'metadata') return (o) => o; // the generator's metadata shape is that already
  const withStatus = new Set(DEFAULT_STATUS_KINDS);
  return (o) => (withStatus.has(o.kind ?? '') ? objectWithStatus(o) : ownerMetadata(o));
}

async function run(args: HeapArgs): Promise<HeapResult> {
  const counts: ClusterCounts = { pods: 0, replicaSets: 0, deployments: 0 };
  const registry = new MetricsRegistry();
  const input = new Subject<WatchEvent>();
  let spans = 0;
  // max_objects above the graph's size, so that every object is tracked (and measured)
  const sub = input
    .pipe(
      causality(
        { window: '5s', max_objects: args.pods * 3 },
        { metrics: registry.metricsFor('causality') },
      ),
    )
    .subscribe(() => spans++);
  await fullGc();
  if (args.snapshotDir) mkdirSync(args.snapshotDir, { recursive: true });
  const snapshot = (name: string) => {
    if (!args.snapshotDir) return;
    progress(`heap: snapshot ${writeHeapSnapshot(join(args.snapshotDir, `${name}.heapsnapshot`))}`);
  };
  snapshot('before');
  await fullGc();
  const before = process.memoryUsage();
  const mode = args.input ?? 'status';
  progress(
    `heap: feeding the owner graph of ${args.pods.toLocaleString('en')} pods (${mode}${args.receiver ? ', through the k8s_events receiver' : ''})`,
  );
  const sizes = { podIn: 0, podOut: 0 };
  const feed = args.receiver ? feedThroughReceiver : feedDirect;
  await feed({ args, mode, input, counts, sizes });
  await fullGc();
  const after = process.memoryUsage();
  snapshot('after');
  const objects = counts.pods + counts.replicaSets + counts.deployments;
  const delta = after.heapUsed - before.heapUsed;
  // now let the processor publish its state gauges and eviction counters
  receiverSubscription?.unsubscribe();
  input.complete();
  sub.unsubscribe();
  const text = await registry.registry.metrics();
  const tracked = sumMetric(text, 'kspan_causality_state_entries', 'cache').get('objects') ?? NaN;
  const evicted = sumMetric(text, 'kspan_causality_evictions_total', 'cache').get('objects') ?? 0;
  progress(
    `heap: ${objects.toLocaleString('en')} objects (${mode}: Pods ${Math.round(sizes.podIn / counts.pods)} B of JSON in, ${Math.round(sizes.podOut / counts.pods)} B processed), heap +${(delta / 2 ** 20).toFixed(1)} MiB, rss +${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MiB, ${spans} spans`,
  );
  return {
    heap_bytes_per_pod: delta / counts.pods,
    rss_bytes_per_pod: (after.rss - before.rss) / counts.pods,
    heap_bytes_per_object: delta / objects,
    heap_pods: counts.pods,
    heap_objects: objects,
    heap_objects_tracked: tracked,
    heap_objects_evicted: evicted,
    heap_delta_bytes: delta,
    heap_input_pod_bytes: Math.round(sizes.podIn / counts.pods),
    heap_processed_pod_bytes: Math.round(sizes.podOut / counts.pods),
    heap_input: mode,
  };
}

type Sizes = { podIn: number; podOut: number };

/** What a feed reads (args, mode) and fills (the processor's input, the counts and sizes). */
interface Feed {
  args: HeapArgs;
  mode: 'status' | 'metadata';
  input: Subject<WatchEvent>;
  counts: ClusterCounts;
  sizes: Sizes;
}

/**
 * The objects go straight to the processor, shrunk by the receiver's transforms. Each goes through
 * JSON text, as from the API server: strings built by the generator (concatenations) would
 * otherwise be retained in a shape no watch ever delivers.
 */
async function feedDirect({ args, mode, input, counts, sizes }: Feed): Promise<void> {
  const transform = receiverTransform(mode);
  for (const ev of clusterState(
    { pods: args.pods, seed: args.seed ?? 7, shape: mode === 'status' ? 'full' : 'metadata' },
    counts,
  )) {
    const text = JSON.stringify(ev.object);
    const object = transform(JSON.parse(text) as KubeObject);
    if (object.kind === 'Pod') {
      sizes.podIn += text.length;
      sizes.podOut += JSON.stringify(object).length;
    }
    input.next({ ...ev, object });
  }
}

/**
 * The whole receiver: `k8sEventsStream` lists the objects from a simulated API server (pages of
 * JSON text, whole objects or PartialObjectMetadata by the Accept it sends) and keeps its dedupe
 * tables; what it emits goes to the processor. The receiver stays subscribed while the heap is
 * read, as in a running kspan.
 */
async function feedThroughReceiver({ args, mode, input, counts, sizes }: Feed): Promise<void> {
  const api = simulatedApi({ pods: args.pods, seed: args.seed ?? 7 });
  const config = resolveComponentConfig(
    k8sEventsReceiver,
    {
      owners: {
        kinds: ['Deployment', 'ReplicaSet', 'Pod'],
        ...(mode === 'metadata' ? { status_kinds: [] } : {}),
      },
    },
    'receivers.k8s_events',
  );
  let received = 0;
  const stop = new AbortController();
  receiverSubscription = k8sEventsStream(
    config,
    standaloneContext({ id: 'k8s_events', signal: stop.signal }),
    { transport: api.transport },
  ).subscribe((ev) => {
    received++;
    const o = ev.object;
    if (o.kind === 'Pod') {
      counts.pods++;
      sizes.podOut += JSON.stringify(o).length;
    } else if (o.kind === 'ReplicaSet') counts.replicaSets++;
    else if (o.kind === 'Deployment') counts.deployments++;
    input.next(ev);
  });
  while (!(api.served().complete && received >= api.served().objects))
    await new Promise((r) => setTimeout(r, 50));
  api.release();
  // What the API server sent per Pod: measured apart, from the same generator (first 1000 Pods).
  let n = 0;
  for (const ev of clusterState({ pods: 1000, seed: args.seed ?? 7, shape: 'full' }))
    if (ev.object.kind === 'Pod') {
      sizes.podIn += JSON.stringify(ev.object).length;
      n++;
    }
  sizes.podIn = (sizes.podIn / n) * counts.pods;
}

/** Kept subscribed until the heap is read (a running receiver holds its tables). */
let receiverSubscription: Subscription | undefined;

childMain(run);
