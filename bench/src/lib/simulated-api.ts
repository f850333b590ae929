// An API server that only lists: it serves the owner graph of `clusterState` (Deployments, their
// ReplicaSets, Pods) to the real k8s_events receiver through its `Transport` seam, in pages of
// JSON text as kube-apiserver sends them — whole objects for `Accept: application/json`, the same
// objects without spec and status (PartialObjectMetadata) for the metadata-only Accept. Objects
// are generated page by page, so the served text is garbage once parsed and nothing but the
// receiver's and processor's state stays on the heap. Watches hang until aborted.
import type { KubeObject } from '@kspan/core';
import type { Transport, TransportResponse } from '@kspan/receiver-k8s-events';
import { clusterState } from '../workload/index.js';

const PATHS: Record<string, string> = {
  '/apis/apps/v1/deployments': 'Deployment',
  '/apis/apps/v1/replicasets': 'ReplicaSet',
  '/api/v1/pods': 'Pod',
};
const PAGE = 500;

export interface SimulatedApi {
  transport: Transport;
  /** Objects and bytes served so far, and whether every list has been served to its end. */
  served(): { objects: number; bytes: number; complete: boolean };
  /** Forgets the generators (their state is not the receiver's memory). */
  release(): void;
}

function answer(text: string): TransportResponse {
  return {
    status: 200,
    headers: {},
    body: (async function* () {
      yield text;
    })(),
  };
}

function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

interface Page {
  text: string;
  items: number;
  last: boolean;
}

/** The list pages of one kind, as JSON text, generated one by one. */
function* pages(
  kind: string,
  options: { pods: number; seed: number },
  metadataOnly: boolean,
): Generator<Page> {
  let items: KubeObject[] = [];
  let served = 0;
  const page = (last: boolean): Page => {
    served += items.length;
    const metadata = { resourceVersion: '1', ...(last ? {} : { continue: `${kind}-${served}` }) };
    const text = JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata, items });
    const count = items.length;
    items = [];
    return { text, items: count, last };
  };
  for (const ev of clusterState({ ...options, shape: 'full' })) {
    if (ev.object.kind !== kind) continue;
    const o = ev.object;
    items.push(
      metadataOnly
        ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
        : o,
    );
    if (items.length === PAGE) yield page(false);
  }
  yield page(true);
}

/**
 * With `pregenerate`, every page of that Accept is built before the first request (so that a
 * timed run measures the receiver, not the generator); otherwise pages are built as requested.
 */
export function simulatedApi(options: {
  pods: number;
  seed: number;
  pregenerate?: 'full' | 'metadata';
}): SimulatedApi {
  let cursors: Map<string, Iterator<Page>> | undefined = new Map();
  const done = new Set<string>();
  let objects = 0;
  let bytes = 0;
  const cursor = (kind: string, metadataOnly: boolean): Iterator<Page> => {
    const key = `${kind}:${metadataOnly}`;
    let it = cursors?.get(key);
    if (!it) {
      it = pages(kind, options, metadataOnly);
      cursors?.set(key, it);
    }
    return it;
  };
  if (options.pregenerate)
    for (const kind of Object.values(PATHS)) {
      const metadataOnly = options.pregenerate === 'metadata';
      cursors.set(`${kind}:${metadataOnly}`, [...pages(kind, options, metadataOnly)].values());
    }
  const transport: Transport = async (req) => {
    if (req.query.watch === '1') return hang(req.signal);
    if (req.path === '/api/v1/namespaces/kube-system')
      return answer(JSON.stringify({ kind: 'Namespace', metadata: { uid: 'bench-cluster' } }));
    const kind = PATHS[req.path];
    const next =
      kind && cursors
        ? cursor(kind, req.accept.includes('PartialObjectMetadata')).next()
        : undefined;
    if (!kind || !next || next.done)
      return answer(
        JSON.stringify({ kind: 'List', metadata: { resourceVersion: '1' }, items: [] }),
      );
    const page = next.value;
    bytes += page.text.length;
    objects += page.items;
    if (page.last) done.add(kind);
    return answer(page.text);
  };
  return {
    transport,
    served: () => ({ objects, bytes, complete: done.size === Object.keys(PATHS).length }),
    release: () => {
      cursors = undefined;
    },
  };
}
