// What one list of a namespace's Pods weighs on the wire, asked of the real API server both ways
// the k8s_events receiver can: whole objects (owners.status_kinds) and PartialObjectMetadata
// (metadata only); and what the receiver keeps of each (objectWithStatus / ownerMetadata).
import {
  ACCEPT_JSON,
  ACCEPT_METADATA_LIST,
  kubeTransport,
  loadKubeConfig,
  objectWithStatus,
  ownerMetadata,
} from '@kspan/receiver-k8s-events';
import type { KubeObject } from '@kspan/core';

export interface PodBytes {
  api_pod_full_bytes: number;
  api_pod_metadata_bytes: number;
  /** JSON of the shrunk forms the receiver emits: with status, and metadata only. */
  api_pod_emitted_status_bytes: number;
  api_pod_emitted_metadata_bytes: number;
  api_pods_listed: number;
}

export async function podListBytes(kubeconfig: string, namespace: string): Promise<PodBytes> {
  const transport = kubeTransport(await loadKubeConfig({ kubeconfig }));
  const list = async (accept: string) => {
    const res = await transport({
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: {},
      accept,
      signal: new AbortController().signal,
    });
    let text = '';
    for await (const chunk of res.body) text += chunk;
    if (res.status !== 200)
      throw new Error(`listing pods: HTTP ${res.status}: ${text.slice(0, 200)}`);
    // List items carry no kind; the receiver sets it before shrinking, and so does this.
    const items = ((JSON.parse(text) as { items: KubeObject[] | null }).items ?? []).map((o) => ({
      ...o,
      apiVersion: 'v1',
      kind: 'Pod',
    }));
    return { bytes: Buffer.byteLength(text), items };
  };
  const full = await list(ACCEPT_JSON);
  const meta = await list(ACCEPT_METADATA_LIST);
  const n = full.items.length;
  if (n === 0) throw new Error(`no pods in ${namespace}`);
  const json = (objects: KubeObject[]) =>
    objects.reduce((sum, o) => sum + Buffer.byteLength(JSON.stringify(o)), 0) / objects.length;
  return {
    api_pod_full_bytes: full.bytes / n,
    api_pod_metadata_bytes: meta.bytes / meta.items.length,
    api_pod_emitted_status_bytes: json(full.items.map(objectWithStatus)),
    api_pod_emitted_metadata_bytes: json(meta.items.map(ownerMetadata)),
    api_pods_listed: n,
  };
}
