import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KspanError } from '@kspan/core';

/** The fields of a coordination.k8s.io/v1 Lease the elector reads and writes. */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** Outcome of a write: `conflict` when someone else wrote first (resourceVersion moved on). */
export type LeaseWrite =
  { ok: true; lease: Lease } | { ok: false; conflict: boolean; status: number };

/** Get, create and update one Lease. The real one talks to the API server; tests use an in-memory one. */
export interface LeaseClient {
  /** undefined when the Lease does not exist. */
  get(): Promise<Lease | undefined>;
  create(lease: Lease): Promise<LeaseWrite>;
  /** Optimistic: fails with `conflict` unless `lease.metadata.resourceVersion` is current. */
  update(lease: Lease): Promise<LeaseWrite>;
}

/** A LeaseClient over the API server with the KubeConfig's server, TLS and credentials. */
export function kubeLeaseClient(kc: KubeConfig, namespace: string, name: string): LeaseClient {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const one = `${base}/${encodeURIComponent(name)}`;
  const write = async (method: string, path: string, lease: Lease): Promise<LeaseWrite> => {
    const r = await request(kc, method, path, lease);
    if (r.status === 200 || r.status === 201) return { ok: true, lease: r.body as Lease };
    if (r.status === 409) return { ok: false, conflict: true, status: r.status };
    throw httpFailure(method, path, r);
  };
  return {
    get: async () => {
      const r = await request(kc, 'GET', one);
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw httpFailure('GET', one, r);
      return r.body as Lease;
    },
    create: (lease) =>
      write('POST', base, { ...lease, metadata: { ...lease.metadata, name, namespace } }),
    update: (lease) => write('PUT', one, lease),
  };
}

/** An HTTP error answer of the API server to a Lease request. */
export class LeaseHttpError extends KspanError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('COMPONENT_FAILED', message);
  }
}

function httpFailure(method: string, path: string, r: { status: number; text: string }): Error {
  // 403 is the usual one: RBAC lacks get/create/update on leases in this namespace.
  return new LeaseHttpError(
    r.status,
    `${method} ${path}: HTTP ${r.status}: ${r.text.slice(0, 300)}`,
  );
}

async function request(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; text: string }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KspanError('CONFIG_INVALID', 'kubeconfig: no current cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const options: https.RequestOptions = {
    method,
    headers: {
      Accept: 'application/json',
      'User-Agent': 'kspan',
      ...(payload ? { 'Content-Type': 'application/json' } : {}),
    },
    // A renewal that hangs must not outlive the renew deadline.
    timeout: 5_000,
  };
  await kc.applyToHTTPSOptions(options);
  const client = url.protocol === 'http:' ? http : https;
  if (url.protocol === 'http:') delete options.agent;
  return new Promise((resolve, reject) => {
    const req = client.request(url, options, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
