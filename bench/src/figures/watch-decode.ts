// Figure: what the status watch costs the receiver in CPU. The real k8s_events receiver
// (`k8sEventsStream`) lists the owner graph of `pods` Pods from a simulated API server
// (lib/simulated-api.ts: pages of JSON text as kube-apiserver sends them), once with the default
// owners.status_kinds (Deployments and Pods whole: JSON.parse of ~4.5 KB Pods, objectWithStatus,
// the unchanged digest) and once metadata-only (status_kinds: [], PartialObjectMetadata), runs
// alternating; objects/s from subscribe to the last object emitted (median), and the bytes the
// API server sent per object. The pages' JSON text is built before each timed run. Run as a child
// by main.ts:
//   node --import tsx bench/src/figures/watch-decode.ts '{"pods":20000,"runs":3}'
import { resolveComponentConfig, silentLogger, standaloneContext } from '@kspan/core';
import { k8sEventsReceiver, k8sEventsStream } from '@kspan/receiver-k8s-events';
import { childMain, progress } from '../lib/child.js';
import { median } from '../lib/stats.js';
import { simulatedApi } from '../lib/simulated-api.js';

export interface WatchDecodeArgs {
  pods: number;
  runs: number;
}

export interface WatchDecodeResult {
  watch_decode_status_objects_per_s: number;
  watch_decode_metadata_objects_per_s: number;
  watch_decode_status_cost_ratio: number;
  watch_decode_objects: number;
  watch_list_status_bytes_per_object: number;
  watch_list_metadata_bytes_per_object: number;
}

async function once(pods: number, withStatus: boolean) {
  const api = simulatedApi({ pods, seed: 11, pregenerate: withStatus ? 'full' : 'metadata' });
  const config = resolveComponentConfig(
    k8sEventsReceiver,
    {
      owners: {
        kinds: ['Deployment', 'ReplicaSet', 'Pod'],
        ...(withStatus ? {} : { status_kinds: [] }),
      },
    },
    'receivers.k8s_events',
  );
  let received = 0;
  const t0 = performance.now();
  let t1 = t0;
  const sub = k8sEventsStream(config, standaloneContext({ logger: silentLogger }), {
    transport: api.transport,
  }).subscribe(() => {
    received++;
    t1 = performance.now();
  });
  while (!(api.served().complete && received >= api.served().objects))
    await new Promise((r) => setTimeout(r, 20));
  sub.unsubscribe();
  const { objects, bytes } = api.served();
  return { perS: received / ((t1 - t0) / 1000), objects, bytesPerObject: bytes / objects };
}

async function run(args: WatchDecodeArgs): Promise<WatchDecodeResult> {
  await once(Math.min(args.pods, 2000), true); // warm-up
  const status: Awaited<ReturnType<typeof once>>[] = [];
  const metadata: Awaited<ReturnType<typeof once>>[] = [];
  for (let i = 0; i < args.runs; i++) {
    status.push(await once(args.pods, true));
    metadata.push(await once(args.pods, false));
    progress(
      `watch-decode: run ${i + 1}: with status ${Math.round(status[i]!.perS)} objects/s, metadata only ${Math.round(metadata[i]!.perS)} objects/s`,
    );
  }
  const s = median(status.map((r) => r.perS));
  const m = median(metadata.map((r) => r.perS));
  return {
    watch_decode_status_objects_per_s: s,
    watch_decode_metadata_objects_per_s: m,
    watch_decode_status_cost_ratio: m / s,
    watch_decode_objects: status[0]!.objects,
    watch_list_status_bytes_per_object: status[0]!.bytesPerObject,
    watch_list_metadata_bytes_per_object: metadata[0]!.bytesPerObject,
  };
}

childMain(run);
