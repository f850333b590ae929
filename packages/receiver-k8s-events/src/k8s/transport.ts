import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KspanError, errorMessage } from '@kspan/core';

/** One GET to the API server. */
export interface TransportRequest {
  /** Path below the server URL, e.g. `/api/v1/namespaces/default/events`. */
  path: string;
  query: Record<string, string>;
  accept: string;
  signal: AbortSignal;
}

/** The response head and a streaming body of text chunks. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<string>;
}

/**
 * The only I/O `listWatch` does. The real one is `kubeTransport` (node https with the KubeConfig's
 * TLS and credentials); unit tests inject a scripted one. Network failures reject (with the Node
 * error code, e.g. ECONNREFUSED), HTTP errors resolve with their status.
 */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/**
 * A transport using the KubeConfig for the server URL, TLS and credentials
 * (`applyToHTTPSOptions`, called for every request so that rotated tokens and token files are
 * picked up), and node's http(s) for a streaming body. A token file (the in-cluster service
 * account's) is read for every request, see `fileToken`.
 */
export function kubeTransport(kc: KubeConfig): Transport {
  return async ({ path, query, accept, signal }) => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KspanError('CONFIG_INVALID', 'kubeconfig: no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { Accept: accept, 'User-Agent': 'kspan' },
    };
    await kc.applyToHTTPSOptions(options);
    const token = await fileToken(kc);
    if (token) options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
    const client = url.protocol === 'http:' ? http : https;
    if (url.protocol === 'http:') delete options.agent;
    return new Promise<TransportResponse>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const req = client.request(url, { ...options, signal }, (res) => {
        res.setEncoding('utf8');
        res.socket?.setKeepAlive(true, 15_000);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      req.on('error', reject);
      req.end();
    });
  };
}

/**
 * The bearer token of a token-file user (what `loadFromCluster` sets up for the service account),
 * read now. The kubelet rotates the projected token file in place and client-node re-reads it only
 * once a minute, so a request in that minute could carry a token the API server already refuses
 * (a revoked one, or one bound to a deleted pod). The file is small and requests are few (lists
 * and watch restarts), so reading it each time costs nothing that matters.
 */
async function fileToken(kc: KubeConfig): Promise<string | undefined> {
  const file: unknown = kc.getCurrentUser()?.authProvider?.config?.tokenFile;
  if (typeof file !== 'string' || !file) return undefined;
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch (err) {
    throw new KspanError(
      'CONFIG_READ',
      `service account token file ${file}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** Reads a whole (small) body, at most `limit` characters. */
export async function readBody(body: AsyncIterable<string>, limit = 64 * 1024): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += chunk;
    if (text.length >= limit) break;
  }
  return text.slice(0, limit);
}
