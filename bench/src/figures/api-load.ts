import { fork } from 'node:child_process';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, progress } from '../lib/child.js';
import { podListBytes, type PodBytes } from '../lib/api-bytes.js';
import { findCluster, kubectl, run, sumMetric, type E2eCluster } from '../lib/cluster.js';

// API requests kspan makes per 1,000 Events during a rollout, counted by the API server itself.
//
// kube-apiserver has no per-client request counter, but API Priority and Fairness classifies every
// request (before authorization) by FlowSchema, and FlowSchemas match on the requesting identity
// and verb. kspan runs as its own ServiceAccount; five FlowSchemas (get / list / watch / other
// resource verbs / non-resource URLs) match only that identity, and
// `apiserver_flowcontrol_dispatched_requests_total{flow_schema=...}` read before and after the
// rollout gives kspan's requests by verb. The denominator is the Events kspan received
// (`kspan_events_received_total` on its own /metrics).

export interface ApiLoadResult extends Partial<PodBytes> {
  api_requests_per_1000_events: number | null;
  api_get_per_1000_events: number | null;
  api_list_per_1000_events: number | null;
  api_watch_per_1000_events: number | null;
  api_other_per_1000_events: number | null;
  api_events: number | null;
  api_requests_per_minute: number | null;
  api_window_s: number | null;
  api_kspan_ready: number | null;
  reason?: string;
  requests?: Record<string, number>;
}

const NS = 'kspan-bench';
const LOAD_NS = 'kspan-bench-load';
const SA = 'kspan-bench';
const VERB_SCHEMAS = ['get', 'list', 'watch', 'other', 'nonresource'] as const;
type VerbSchema = (typeof VERB_SCHEMAS)[number];
const KSPAN_BIN = resolve(REPO_ROOT, 'packages/kspan/dist/bin/kspan.js');

function flowSchema(verb: VerbSchema, precedence: number): string {
  const subject = `    - kind: ServiceAccount\n      serviceAccount: { name: ${SA}, namespace: ${NS} }`;
  const rule =
    verb === 'nonresource'
      ? `    nonResourceRules:\n    - verbs: ['*']\n      nonResourceURLs: ['*']`
      : `    resourceRules:\n    - verbs: [${verb === 'other' ? "'*'" : verb}]\n      apiGroups: ['*']\n      resources: ['*']\n      clusterScope: true\n      namespaces: ['*']`;
  return `apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: { name: kspan-bench-${verb} }
spec:
  priorityLevelConfiguration: { name: workload-low }
  matchingPrecedence: ${precedence}
  distinguisherMethod: { type: ByUser }
  rules:
  - subjects:
${subject}
${rule}
`;
}

/**
 * The ClusterRole users grant kspan (deploy/base/clusterrole.yaml, read through kubectl: not a
 * copy of its rules, which fell behind once: no HPA watch, whose 403 retries showed as LISTs),
 * under the bench's name, with `get` on every rule: a GET kspan should not make must succeed, and
 * show in the counts, rather than fail unseen.
 */
async function benchClusterRole(c: E2eCluster): Promise<object> {
  const file = resolve(REPO_ROOT, 'deploy/base/clusterrole.yaml');
  const role = JSON.parse(
    await kubectl(c, ['create', '--dry-run=client', '-o', 'json', '-f', file]),
  ) as { rules: { verbs: string[] }[] };
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'kspan-bench-reader' },
    rules: role.rules.map((r) => ({
      ...r,
      verbs: r.verbs.includes('get') ? r.verbs : [...r.verbs, 'get'],
    })),
  };
}

function identityManifests(role: object): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${NS} }\n`,
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${LOAD_NS} }\n`,
    `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${SA}, namespace: ${NS} }\n`,
    `${JSON.stringify(role)}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kspan-bench-reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kspan-bench-reader }
subjects:
- { kind: ServiceAccount, name: ${SA}, namespace: ${NS} }
`,
    ...VERB_SCHEMAS.map((v, i) => flowSchema(v, 40 + i)),
  ].join('---\n');
}

function deploymentManifest(replicas: number, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: bench-rollout, namespace: ${LOAD_NS} }
spec:
  replicas: ${replicas}
  strategy: { rollingUpdate: { maxSurge: 25%, maxUnavailable: 25% } }
  selector: { matchLabels: { app: bench-rollout } }
  template:
    metadata: { labels: { app: bench-rollout } }
    spec:
      containers:
      - { name: app, image: ${image} }
      tolerations:
      - { key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule }
`;
}

async function apfCounts(c: E2eCluster): Promise<Record<VerbSchema, number>> {
  const text = await kubectl(c, ['get', '--raw', '/metrics']);
  const by = sumMetric(text, 'apiserver_flowcontrol_dispatched_requests_total', 'flow_schema');
  const out = {} as Record<VerbSchema, number>;
  for (const v of VERB_SCHEMAS) out[v] = by.get(`kspan-bench-${v}`) ?? 0;
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

async function httpText(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function nulls(reason: string): ApiLoadResult {
  return {
    api_requests_per_1000_events: null,
    api_get_per_1000_events: null,
    api_list_per_1000_events: null,
    api_watch_per_1000_events: null,
    api_other_per_1000_events: null,
    api_events: null,
    api_requests_per_minute: null,
    api_window_s: null,
    api_kspan_ready: null,
    reason,
  };
}

export async function apiLoad(opts: { quick: boolean }): Promise<ApiLoadResult> {
  const found = await findCluster();
  if ('unavailable' in found) return nulls(`no cluster: ${found.unavailable}`);
  const c = found;
  if (!existsSync(KSPAN_BIN)) return nulls(`${KSPAN_BIN} is missing (run pnpm build)`);
  const replicas = opts.quick ? 6 : 24;
  const dir = mkdtempSync(join(tmpdir(), 'kspan-bench-api-'));
  let kspan: ChildProcess | undefined;
  let sink: ChildProcess | undefined;
  try {
    progress('api: creating the kspan-bench ServiceAccount, RBAC and FlowSchemas');
    // a namespace left Terminating by an earlier run cannot take new objects
    await kubectl(c, [
      'delete',
      'namespace',
      LOAD_NS,
      '--ignore-not-found',
      '--wait=true',
      '--timeout=120s',
    ]);
    await kubectl(c, ['apply', '-f', '-'], identityManifests(await benchClusterRole(c)));
    const token = (await kubectl(c, ['-n', NS, 'create', 'token', SA, '--duration=1h'])).trim();
    const ca = (
      await kubectl(c, [
        'config',
        'view',
        '--raw',
        '-o',
        'jsonpath={.clusters[0].cluster.certificate-authority}',
      ])
    ).trim();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: e2e, cluster: { server: '${c.apiserverUrl}', certificate-authority: '${ca}' } }]
users: [{ name: ${SA}, user: { token: '${token}' } }]
contexts: [{ name: bench, context: { cluster: e2e, user: ${SA} } }]
current-context: bench
`,
      { mode: 0o600 },
    );

    // a gRPC sink for kspan's spans, so nothing else is measured
    sink = fork(resolve(REPO_ROOT, 'bench/src/grpc-sink.ts'), [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const sinkPort = await new Promise<number>((r) =>
      sink?.once('message', (m) => r((m as { port: number }).port)),
    );
    const metricsPort = await freePort();
    const config = join(dir, 'kspan.yaml');
    writeFileSync(
      config,
      `receivers:
  k8s_events:
    auth: { kubeconfig: ${kubeconfig} }
processors:
  causality:
    window: 5s
exporters:
  otlp:
    endpoint: 127.0.0.1:${sinkPort}
    tls: { insecure: true }
service:
  pipelines:
    traces:
      receivers: [k8s_events]
      processors: [causality]
      exporters: [otlp]
  telemetry:
    metrics: { address: 127.0.0.1:${metricsPort} }
    logs: { level: warn }
`,
    );
    progress('api: starting kspan as the kspan-bench ServiceAccount');
    kspan = spawn(process.execPath, [KSPAN_BIN, 'run', '--config', config], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<string>((r) =>
      kspan?.once('exit', (code, signal) => r(`kspan exited early (${signal ?? code})`)),
    );
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    // Ready: /readyz, or at least the watches a rollout's events and owners come through are live
    // (an owner kind that cannot be listed keeps /readyz at 503 but does not matter here).
    let readyz = false;
    const core = ['events', 'pods', 'replicasets.apps', 'deployments.apps'];
    await Promise.race([
      until(
        'kspan readiness (/readyz, or live watches of events, pods, replicasets, deployments)',
        60_000,
        async () => {
          if ((await httpText(`${metricsUrl}/readyz`)).status === 200) return (readyz = true);
          const live = sumMetric(
            (await httpText(`${metricsUrl}/metrics`)).text,
            'kspan_watch_live',
            'resource',
          );
          return core.every((r) => live.get(r) === 1);
        },
      ),
      exited.then((m) => {
        throw new Error(m);
      }),
    ]).catch(async (err: unknown) => {
      const live = sumMetric(
        (await httpText(`${metricsUrl}/metrics`)).text,
        'kspan_watch_live',
        'resource',
      );
      throw new Error(
        `${(err as Error).message}; live watches: ${JSON.stringify(Object.fromEntries(live))}`,
      );
    });
    if (!readyz)
      progress('api: kspan /readyz is not 200, but the watches a rollout needs are live');
    // steady state: the initial lists and watches are done
    await sleep(opts.quick ? 1500 : 3000);
    const received = async () =>
      [
        ...sumMetric(
          (await httpText(`${metricsUrl}/metrics`)).text,
          'kspan_events_received_total',
        ).values(),
      ].reduce((a, b) => a + b, 0);
    const before = await apfCounts(c);
    const eventsBefore = await received();
    const t0 = Date.now();

    progress(`api: Deployment of ${replicas} pods created, then rolled to a new image`);
    // Created, then rolled to a new image: each step waits for its rollout to finish.
    for (const tag of ['1', '2']) {
      await kubectl(
        c,
        ['apply', '-f', '-'],
        deploymentManifest(replicas, `registry.example.com/bench:${tag}`),
      );
      await kubectl(c, [
        '-n',
        LOAD_NS,
        'rollout',
        'status',
        'deployment/bench-rollout',
        '--timeout=180s',
      ]);
    }
    await sleep(6500); // the causality window (5 s) and the exporter's batch flush
    // Observe at least one whole watch timeout (30 s), so that watch renewals are in the count.
    const observeMs = opts.quick ? 0 : 40_000;
    if (Date.now() - t0 < observeMs) await sleep(observeMs - (Date.now() - t0));
    const after = await apfCounts(c);
    const events = (await received()) - eventsBefore;
    const windowS = (Date.now() - t0) / 1000;
    // What the status watch costs on the wire: the rollout's Pods listed whole and metadata-only
    // (after the count above: these two requests are not kspan's).
    const podBytes = await podListBytes(c.kubeconfig, LOAD_NS);
    progress(
      `api: a Pod is ${Math.round(podBytes.api_pod_full_bytes)} B whole, ${Math.round(podBytes.api_pod_metadata_bytes)} B metadata-only; kspan emits ${Math.round(podBytes.api_pod_emitted_status_bytes)} B with status, ${Math.round(podBytes.api_pod_emitted_metadata_bytes)} B metadata-only`,
    );

    const requests = {} as Record<VerbSchema, number>;
    for (const v of VERB_SCHEMAS) requests[v] = after[v] - before[v];
    const total = VERB_SCHEMAS.reduce((s, v) => s + requests[v], 0);
    if (events <= 0) return { ...nulls('kspan received no Events during the rollout'), requests };
    progress(
      `api: ${events} Events received in ${windowS.toFixed(0)} s; kspan's requests: ${JSON.stringify(requests)}`,
    );
    const per = (n: number) => (n / events) * 1000;
    return {
      api_requests_per_1000_events: per(total),
      api_get_per_1000_events: per(requests.get),
      api_list_per_1000_events: per(requests.list),
      api_watch_per_1000_events: per(requests.watch),
      api_other_per_1000_events: per(requests.other + requests.nonresource),
      api_events: events,
      api_requests_per_minute: (total / windowS) * 60,
      api_window_s: windowS,
      api_kspan_ready: readyz ? 1 : 0,
      ...podBytes,
      requests,
    };
  } catch (err) {
    return nulls(`measurement failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (kspan && kspan.exitCode === null) {
      kspan.kill('SIGTERM');
      await Promise.race([new Promise((r) => kspan?.once('exit', r)), sleep(25_000)]);
      if (kspan.exitCode === null) kspan.kill('SIGKILL');
    }
    if (sink && sink.exitCode === null) sink.send('stop');
    await run(c.kubectl, [
      '--kubeconfig',
      c.kubeconfig,
      'delete',
      'namespace',
      LOAD_NS,
      '--wait=false',
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
}
