// Support for the k8s_events end-to-end tests: the e2e environment, kubectl, a live receiver harness.
// Everything here talks to the real control plane started by e2e/scripts/up.sh; nothing is mocked.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subject, share, takeUntil, type Observable } from 'rxjs';
import { Value } from '@sinclair/typebox/value';
import {
  MetricsRegistry,
  createLogger,
  standaloneContext,
  systemClock,
  type WatchEvent,
} from '@kspan/core';
import {
  EventsConfigSchema,
  k8sEventsStream,
  kubeTransport,
  loadKubeConfig,
  type EventsConfig,
  type Transport,
  type TransportRequest,
} from '../../packages/receiver-k8s-events/src/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');

export interface E2eEnv {
  KUBECONFIG: string;
  KUBECTL: string;
  APISERVER_URL: string;
  ETCD_ENDPOINT: string;
  ETCDCTL: string;
  E2E_RESTART_PEER: string;
  E2E_RUN_DIR: string;
  [key: string]: string;
}

/** `printf %q` output back to the string (the env file is written that way). */
function unquote(v: string): string {
  if (v.startsWith("$'") && v.endsWith("'")) return v.slice(2, -1).replace(/\\(.)/g, '$1');
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v.replace(/\\(.)/g, '$1');
}

let cached: E2eEnv | undefined;

/** Reads e2e/.run/env (written by `pnpm e2e:up`); fails loudly when the environment is not up. */
export function e2eEnv(): E2eEnv {
  if (cached) return cached;
  const runDir = process.env.KSPAN_E2E_RUN_DIR ?? join(REPO, 'e2e', '.run');
  const file = join(runDir, 'env');
  if (!existsSync(file))
    throw new Error(
      `e2e environment is not up: ${file} not found. Start it with \`pnpm e2e:up\` (bash e2e/scripts/up.sh) first.`,
    );
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1] as string] = unquote(m[2] as string);
  }
  for (const k of ['KUBECONFIG', 'KUBECTL', 'ETCD_ENDPOINT', 'ETCDCTL', 'E2E_RESTART_PEER'])
    if (!env[k]) throw new Error(`${file} has no ${k}`);
  cached = env as E2eEnv;
  return cached;
}

export function kubectl(args: string[], input?: string): string {
  const env = e2eEnv();
  return execFileSync(env.KUBECTL, ['--kubeconfig', env.KUBECONFIG, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

/** Fails with a clear message unless the API server answers /readyz. */
export function assertClusterReady(): void {
  try {
    const out = kubectl(['get', '--raw', '/readyz']).trim();
    if (out !== 'ok') throw new Error(`/readyz said ${out}`);
  } catch (err) {
    throw new Error(
      `the e2e API server is not ready (${(err as Error).message.split('\n')[0]}); run \`pnpm e2e:up\``,
    );
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export function createNamespace(prefix: string): string {
  const ns = uniqueName(prefix);
  kubectl(['create', 'namespace', ns]);
  // Pods need the namespace's default ServiceAccount (made by the controller-manager).
  for (let i = 0; i < 120; i++) {
    try {
      kubectl(['-n', ns, 'get', 'serviceaccount', 'default']);
      return ns;
    } catch {
      execFileSync('sleep', ['0.5']);
    }
  }
  throw new Error(`ServiceAccount ${ns}/default never appeared`);
}

export function deleteNamespace(ns: string): void {
  try {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  } catch {
    // best effort
  }
}

export interface GroundTruthEvent {
  uid: string;
  rv: string;
  namespace: string;
  reason: string;
  name: string;
}

/** Every Event the API server holds in these namespaces (uid, resourceVersion, reason). */
export function eventsIn(...namespaces: string[]): GroundTruthEvent[] {
  return namespaces.flatMap((ns) => {
    const list = JSON.parse(kubectl(['-n', ns, 'get', 'events', '-o', 'json'])) as {
      items: Array<{
        metadata: { uid: string; resourceVersion: string; namespace: string; name: string };
        reason: string;
      }>;
    };
    return list.items.map((e) => ({
      uid: e.metadata.uid,
      rv: e.metadata.resourceVersion,
      namespace: e.metadata.namespace,
      reason: e.reason,
      name: e.metadata.name,
    }));
  });
}

/** `{uid, rv}` of the objects of a kind in a namespace. */
export function objectsIn(
  kind: string,
  ns: string,
): Array<{ uid: string; rv: string; name: string }> {
  const list = JSON.parse(kubectl(['-n', ns, 'get', kind, '-o', 'json'])) as {
    items: Array<{ metadata: { uid: string; resourceVersion: string; name: string } }>;
  };
  return list.items.map((o) => ({
    uid: o.metadata.uid,
    rv: o.metadata.resourceVersion,
    name: o.metadata.name,
  }));
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  detail?: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface LiveReceiver {
  readonly items: WatchEvent[];
  readonly metrics: MetricsRegistry;
  readonly logs: string[];
  /** The receiver's output (shared); subscribe before `start()` is not needed, items are also collected. */
  readonly stream: Observable<WatchEvent>;
  ready(): boolean;
  readyReason(): string | undefined;
  readonly readiness: Array<{ ready: boolean; reason?: string; at: number }>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Completes the stream (graceful stop) and waits for it. */
  stop(): Promise<void>;
}

/** Starts a k8s_events receiver against the e2e cluster (real HTTP through `transport` or kubeTransport). */
export function startReceiver(
  config: Record<string, unknown>,
  options: { transport?: Transport; kubeconfig?: string } = {},
): LiveReceiver {
  const env = e2eEnv();
  const full = Value.Default(EventsConfigSchema, {
    auth: { kubeconfig: options.kubeconfig ?? env.KUBECONFIG },
    ...structuredClone(config),
  }) as EventsConfig;
  if (!Value.Check(EventsConfigSchema, full))
    throw new Error(
      `bad receiver config: ${[...Value.Errors(EventsConfigSchema, full)].map((e) => `${e.path} ${e.message}`).join('; ')}`,
    );
  const metrics = new MetricsRegistry();
  const logs: string[] = [];
  const readiness: Array<{ ready: boolean; reason?: string; at: number }> = [];
  const ctx = standaloneContext({
    id: 'k8s_events',
    clock: systemClock,
    metrics: metrics.metricsFor('k8s_events'),
    logger: createLogger({ level: 'debug', format: 'json', write: (l) => logs.push(l) }),
    health: {
      setReady: (ready, reason) =>
        readiness.push({ ready, ...(reason !== undefined ? { reason } : {}), at: Date.now() }),
    },
  });
  const stop$ = new Subject<void>();
  const stream = k8sEventsStream(
    full,
    ctx,
    options.transport ? { transport: options.transport } : {},
  ).pipe(takeUntil(stop$), share());
  const items: WatchEvent[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  stream.subscribe({
    next: (ev) => items.push(ev),
    error: (e: unknown) => {
      logs.push(JSON.stringify({ level: 'error', msg: 'stream errored', error: String(e) }));
      done();
    },
    complete: () => done(),
  });
  return {
    items,
    metrics,
    logs,
    stream,
    readiness,
    ready: () => readiness.length > 0 && readiness[readiness.length - 1]!.ready,
    readyReason: () => readiness[readiness.length - 1]?.reason,
    metric: (name, labels = {}) => metrics.value(name, labels),
    stop: async () => {
      stop$.next();
      await finished;
    },
  };
}

/** The Events (core/v1 shape) a receiver emitted, optionally only in some namespaces. */
export function receivedEvents(items: WatchEvent[], namespaces?: string[]): WatchEvent[] {
  return items.filter(
    (i) =>
      i.object.kind === 'Event' &&
      (!namespaces || namespaces.includes(i.object.metadata?.namespace ?? '')),
  );
}

/** `uid@rv` pairs emitted (not DELETED) more than once. */
export function duplicates(items: WatchEvent[]): string[] {
  const seen = new Map<string, number>();
  for (const i of items) {
    if (i.type === 'DELETED') continue;
    const key = `${i.object.kind}/${i.object.metadata?.uid}@${i.object.metadata?.resourceVersion}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

/** A transport to the real API server that the test can cut (requests refused, streams dropped). */
export function gatedTransport(): Transport & {
  close(): void;
  open(): void;
  readonly isOpen: boolean;
} {
  const inner = loadKubeConfig({ kubeconfig: e2eEnv().KUBECONFIG }).then(kubeTransport);
  let open = true;
  const inflight = new Set<AbortController>();
  const t = (async (req: TransportRequest) => {
    if (!open)
      throw Object.assign(new Error('connect ECONNREFUSED (test gate closed)'), {
        code: 'ECONNREFUSED',
      });
    const ac = new AbortController();
    inflight.add(ac);
    const forward = () => {
      ac.abort();
      inflight.delete(ac);
    };
    if (req.signal.aborted) forward();
    req.signal.addEventListener('abort', forward, { once: true });
    return (await inner)({ ...req, signal: ac.signal });
  }) as Transport & { close(): void; open(): void; readonly isOpen: boolean };
  Object.defineProperty(t, 'isOpen', { get: () => open });
  t.close = () => {
    open = false;
    for (const ac of inflight)
      ac.abort(
        Object.assign(new Error('connection reset (test gate closed)'), { code: 'ECONNRESET' }),
      );
    inflight.clear();
  };
  t.open = () => {
    open = true;
  };
  return t;
}

let requestOptions: Promise<https.RequestOptions & { base: string }> | undefined;

/** POST/DELETE against the API server with the admin kubeconfig (bulk object creation; one keep-alive agent). */
export async function kubeRequest(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  requestOptions ??= (async () => {
    const kc = await loadKubeConfig({ kubeconfig: e2eEnv().KUBECONFIG });
    const opts: https.RequestOptions = {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    };
    await kc.applyToHTTPSOptions(opts);
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.rejectUnauthorized !== undefined
        ? { rejectUnauthorized: opts.rejectUnauthorized }
        : {}),
    });
    return { ...opts, agent, base: kc.getCurrentCluster()!.server.replace(/\/+$/, '') };
  })();
  const { base, ...opts } = await requestOptions;
  return new Promise((resolvePromise, reject) => {
    const req = https.request(new URL(base + path), { ...opts, method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** Creates `count` Pods no scheduler will take (they stay Pending, emit no events), `concurrency` at a time. */
export async function createIdlePods(ns: string, count: number, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `idle-${i}`,
          namespace: ns,
          labels: { app: 'kspan-idle', index: String(i) },
        },
        spec: {
          schedulerName: 'kspan-e2e-no-such-scheduler',
          containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }],
        },
      };
      for (let attempt = 0; ; attempt++) {
        const res = await kubeRequest('POST', `/api/v1/namespaces/${ns}/pods`, pod);
        if (res.status === 201 || res.status === 409) break;
        if (attempt >= 5)
          throw new Error(`creating pod ${i}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The current etcd revision, then `etcdctl compact` to it: every older resourceVersion is gone. */
export function compactEtcd(): number {
  const env = e2eEnv();
  const status = JSON.parse(
    execFileSync(
      env.ETCDCTL,
      ['--endpoints', env.ETCD_ENDPOINT, 'endpoint', 'status', '-w', 'json'],
      {
        encoding: 'utf8',
      },
    ),
  ) as Array<{ Status: { header: { revision: number } } }>;
  const rev = status[0]!.Status.header.revision;
  execFileSync(
    env.ETCDCTL,
    ['--endpoints', env.ETCD_ENDPOINT, 'compact', String(rev), '--physical'],
    {
      encoding: 'utf8',
    },
  );
  return rev;
}

/** Restarts one peer with e2e/scripts/restart-peer.sh (waits until it is ready again). */
export function restartPeer(peer: string): void {
  execFileSync('bash', [e2eEnv().E2E_RESTART_PEER, peer], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}
