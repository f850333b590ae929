// Figure: memory held by the causality processor for the owner graph of a large cluster. The
// owner objects of `pods` Pods (with their ReplicaSets and Deployments), as a metadata-only
// watch's initial list delivers them, go through the causality operator; heap and RSS are read
// after a full GC, before and after, and divided by the number of Pods. Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/heap.ts '{"pods":150000}'
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Subject } from 'rxjs';
import { MetricsRegistry, type WatchEvent } from '@kspan/core';
import { causality } from '@kspan/processor-causality';
import { childMain, fullGc, progress } from '../lib/child.js';
import { sumMetric } from '../lib/cluster.js';
import { clusterState, type ClusterCounts } from '../workload/index.js';

export interface HeapArgs {
  pods: number;
  seed?: number;
  /** Owner objects with spec and status (`full`) instead of the metadata a watch sends. */
  shape?: 'metadata' | 'full';
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
  progress(`heap: feeding the owner graph of ${args.pods.toLocaleString('en')} pods`);
  // Each object goes through JSON text, as from the API server: strings built by the generator
  // (concatenations) would otherwise be retained in a shape no watch ever delivers.
  for (const ev of clusterState(
    { pods: args.pods, seed: args.seed ?? 7, shape: args.shape ?? 'metadata' },
    counts,
  ))
    input.next(JSON.parse(JSON.stringify(ev)) as WatchEvent);
  await fullGc();
  const after = process.memoryUsage();
  snapshot('after');
  const objects = counts.pods + counts.replicaSets + counts.deployments;
  const delta = after.heapUsed - before.heapUsed;
  // now let the processor publish its state gauges and eviction counters
  input.complete();
  sub.unsubscribe();
  const text = await registry.registry.metrics();
  const tracked = sumMetric(text, 'kspan_causality_state_entries', 'cache').get('objects') ?? NaN;
  const evicted = sumMetric(text, 'kspan_causality_evictions_total', 'cache').get('objects') ?? 0;
  progress(
    `heap: ${objects.toLocaleString('en')} objects, heap +${(delta / 2 ** 20).toFixed(1)} MiB, rss +${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MiB, ${spans} spans`,
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
  };
}

childMain(run);
