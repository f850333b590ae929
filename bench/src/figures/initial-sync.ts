// Figure: how long a restart on a big cluster takes before spans can flow — the live receiver
// (`k8s_events`, default owner kinds, metadata only, paged lists of 500) listing the owner graph of
// an N-pod cluster, from subscribing until every list is done and every watch is live (the
// receiver reports ready). The API server is a loopback-free stand-in: a Transport serving the
// pages, serialised before timing, so that only kspan's side is measured (HTTP, TLS and the
// server's own work are not). Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/initial-sync.ts '{"pods":15000}'
import type { KubeObject } from '@kspan/core';
import { resolveComponentConfig, standaloneContext } from '@kspan/core';
import {
  DEFAULT_OWNER_KINDS,
  k8sEventsReceiver,
  k8sEventsStream,
  resourcePath,
  type Transport,
  type TransportRequest,
} from '@kspan/receiver-k8s-events';
import { childMain, fullGc, progress } from '../lib/child.js';
import { cpuSeconds } from '../lib/stats.js';
import { clusterState } from '../workload/index.js';

export interface InitialSyncArgs {
  pods: number;
  seed?: number;
}

export interface InitialSyncResult {
  /** Subscribe → ready (every list done, every watch open), wall clock. */
  initial_sync_s: number;
  initial_sync_cpu_s: number;
  initial_sync_objects: number;
  initial_sync_pages: number;
  initial_sync_objects_per_s: number;
}

const PAGE = 500; // the receiver's default watch.page_size

/** The list pages of each resource path, as JSON text, and an endless watch. */
function fakeApiServer(byPath: Map<string, string[]>, counts: { pages: number }): Transport {
  // A watch that stays open, sending nothing, until the receiver lets go of it.
  const never = (signal: AbortSignal): AsyncIterable<string> => ({
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<string>>((resolve) =>
          signal.addEventListener('abort', () => resolve({ done: true, value: undefined })),
        ),
    }),
  });
  const once = (text: string): AsyncIterable<string> => ({
    async *[Symbol.asyncIterator]() {
      yield await Promise.resolve(text);
    },
  });
  return async (req: TransportRequest) => {
    await Promise.resolve();
    const ok = (body: AsyncIterable<string>) => ({ status: 200, headers: {}, body });
    if (req.path === '/api/v1/namespaces/kube-system')
      return ok(once('{"kind":"Namespace","metadata":{"name":"kube-system","uid":"bench-uid"}}'));
    if (req.query.watch === '1') return ok(never(req.signal));
    const pages = byPath.get(req.path) ?? ['{"metadata":{"resourceVersion":"1"},"items":[]}'];
    const index = Number(req.query.continue ?? 0);
    counts.pages++;
    return ok(once(pages[index] ?? pages[0]!));
  };
}

async function run(args: InitialSyncArgs): Promise<InitialSyncResult> {
  progress(`sync: generating the owner graph of ${args.pods.toLocaleString('en')} pods`);
  const objects = new Map<string, KubeObject[]>();
  for (const ev of clusterState({ pods: args.pods, seed: args.seed ?? 7 })) {
    const ref = DEFAULT_OWNER_KINDS.find((k) => k.kind === ev.object.kind);
    if (!ref) continue;
    const path = resourcePath(ref);
    let list = objects.get(path);
    if (!list) objects.set(path, (list = []));
    list.push(ev.object);
  }
  let total = 0;
  const byPath = new Map<string, string[]>();
  for (const [path, items] of objects) {
    total += items.length;
    const pages: string[] = [];
    for (let i = 0; i < items.length; i += PAGE) {
      const next = i + PAGE < items.length ? `,"continue":"${pages.length + 1}"` : '';
      pages.push(
        `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"100"${next}},"items":${JSON.stringify(items.slice(i, i + PAGE))}}`,
      );
    }
    byPath.set(path, pages);
  }
  objects.clear();
  await fullGc();

  const counts = { pages: 0 };
  const config = resolveComponentConfig(
    k8sEventsReceiver,
    // metadata only: the served pages are PartialObjectMetadata (status watches: the heap figure)
    { owners: { status_kinds: [] } },
    'receivers.k8s_events',
  );
  let emitted = 0;
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const ctx = standaloneContext({
    id: 'k8s_events',
    health: { setReady: (r) => r && ready() },
  });
  progress(`sync: listing ${total.toLocaleString('en')} objects through k8s_events`);
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const sub = k8sEventsStream(config, ctx, { transport: fakeApiServer(byPath, counts) }).subscribe({
    next: () => void emitted++,
    error: (err: unknown) => {
      throw err;
    },
  });
  await isReady;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuS = cpuSeconds(cpu);
  sub.unsubscribe();
  if (emitted < total) throw new Error(`only ${emitted} of ${total} objects were emitted`);
  return {
    initial_sync_s: seconds,
    initial_sync_cpu_s: cpuS,
    initial_sync_objects: emitted,
    initial_sync_pages: counts.pages,
    initial_sync_objects_per_s: emitted / seconds,
  };
}

childMain(run);
