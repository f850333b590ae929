// The fleet example (deploy/examples/gateway/) run for real: two kspan instances, each told it is
// another cluster (`cluster_name`), → one OpenTelemetry Collector built by the Collector's builder
// (e2e/scripts/build-peers.sh otelcol), started here on free loopback ports with the example's own
// config → the shared Jaeger. Both clusters' traces arrive, separable by `k8s.cluster.name`, and
// the Collector's per-cluster processing (attributes/production) applies to one of them only.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, suiteEnv } from './lib/env.js';
import { jaegerTracesRaw, type JTrace } from './lib/jaeger.js';
import { KspanProcess, freePort } from './lib/kspan.js';
import { apply, createNamespace, deleteNamespace, kubectlJson } from './lib/kubectl.js';
import { stopPipeline } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, deployment } from './lib/workloads.js';

const EXAMPLE = join(REPO, 'deploy', 'examples', 'gateway');
// The binary build-peers.sh caches (same defaults as there).
const OTELCOL = join(
  process.env.KSPAN_E2E_CACHE ?? join(homedir(), '.cache', 'kspan-e2e'),
  `otelcol-${process.env.KSPAN_E2E_OTELCOL_VERSION ?? 'v0.140.0'}`,
  'otelcol-kspan',
);

interface Cluster {
  name: string;
  ns: string;
  kspan?: KspanProcess;
}

/** The example's kspan config, watching only the test's namespace (the one line the test adds). */
function kspanConfig(ns: string): string {
  const text = readFileSync(join(EXAMPLE, 'kspan.yaml'), 'utf8');
  const anchor = '    cluster_name: ${env:CLUSTER_NAME}\n';
  expect(text, 'deploy/examples/gateway/kspan.yaml').to.contain(anchor);
  return text.replace(anchor, `${anchor}    namespaces: [${ns}]\n`);
}

const tagsOf = (tags: Array<{ key: string; value: unknown }> | undefined) =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, String(t.value)]));

describe('suite: two clusters through an OpenTelemetry Collector gateway into Jaeger', function () {
  const clusters: Cluster[] = [
    { name: 'prod-east', ns: '' },
    { name: 'staging-west', ns: '' },
  ];
  let collector: ChildProcess | undefined;
  let collectorLog = '';
  let metricsUrl = '';
  const logTail = () =>
    `--- collector log (${collectorLog}):\n${readFileSync(collectorLog, 'utf8').split('\n').slice(-30).join('\n')}`;

  before(async function () {
    this.timeout(120_000);
    const env = suiteEnv();
    if (!existsSync(OTELCOL))
      throw new Error(
        `${OTELCOL} is missing: build it with \`bash e2e/scripts/build-peers.sh otelcol\``,
      );
    const [listen, metrics] = [await freePort(), await freePort()];
    metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
    collectorLog = join(mkdtempSync(join(tmpdir(), 'kspan-e2e-gateway-')), 'otelcol.log');
    const fd = openSync(collectorLog, 'a');
    collector = spawn(OTELCOL, ['--config', join(EXAMPLE, 'collector-gateway.yaml')], {
      env: {
        ...process.env,
        GATEWAY_LISTEN: `127.0.0.1:${listen}`,
        GATEWAY_METRICS_HOST: '127.0.0.1',
        GATEWAY_METRICS_PORT: String(metrics),
        GATEWAY_NAME: 'gw-e2e',
        JAEGER_ENDPOINT: env.JAEGER_OTLP_GRPC,
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    collector.unref();
    await waitUntil(
      'the Collector gateway serves its metrics',
      async () => (await fetch(metricsUrl).catch(() => undefined))?.ok === true,
      { timeoutMs: 30_000, intervalMs: 250, detail: logTail },
    );
    for (const c of clusters) {
      c.ns = await createNamespace(c.name, {}, 'gw');
      const port = await freePort();
      c.kspan = KspanProcess.start(`gw-${c.name}`, kspanConfig(c.ns), port, {
        CLUSTER_NAME: c.name,
        GATEWAY_ENDPOINT: `127.0.0.1:${listen}`,
        KSPAN_METRICS_ADDRESS: `127.0.0.1:${port}`,
      });
      await c.kspan.waitReady();
    }
  });

  after(async function () {
    this.timeout(90_000);
    try {
      for (const c of clusters) await stopPipeline(c.kspan);
    } finally {
      collector?.kill('SIGTERM');
      for (const c of clusters) await deleteNamespace(c.ns);
    }
  });

  it("both clusters' traces arrive through the gateway, each span tagged with its own cluster", async function () {
    this.timeout(180_000);
    const ksUid = (
      await kubectlJson<{ metadata: { uid: string } }>(['get', 'namespace', 'kube-system'])
    ).metadata.uid;
    for (const c of clusters) await apply(c.ns, deployment('web', { image: IMAGE_1, replicas: 2 }));

    const byCluster = new Map<string, JTrace[]>();
    for (const c of clusters) {
      // created: root + ScalingReplicaSet + SuccessfulCreate ×2 + 6 pod events ×2 (see suite-deployment)
      const traces = await waitUntil(
        `the Deployment's trace of ${c.name} (${c.ns}) in Jaeger, whole`,
        async () => {
          const t = await jaegerTracesRaw(c.ns);
          return t.length > 0 && t.reduce((n, x) => n + x.spans.length, 0) >= 14 && t;
        },
        {
          timeoutMs: 120_000,
          intervalMs: 1000,
          detail: async () => `${c.kspan?.tail()}\n${logTail()}`,
        },
      );
      byCluster.set(c.name, traces);
    }

    const seen: Record<string, { spans: number; traces: Set<string> }> = {};
    for (const c of clusters) {
      for (const t of byCluster.get(c.name)!) {
        for (const s of t.spans) {
          const resource = tagsOf(t.processes[s.processID]?.tags);
          const span = tagsOf(s.tags);
          const where = `${c.name}: span ${s.operationName} of trace ${t.traceID}`;
          // kspan's resource: this cluster, and the uid it read from kube-system itself
          expect(resource['k8s.cluster.name'], where).to.equal(c.name);
          expect(resource['k8s.cluster.uid'], where).to.equal(ksUid);
          // the gateway's processing: every span went through it; production only for prod-*
          expect(span['gateway.name'], where).to.equal('gw-e2e');
          expect(span['deployment.environment'], where).to.equal(
            c.name.startsWith('prod-') ? 'production' : undefined,
          );
          const entry = (seen[c.name] ??= { spans: 0, traces: new Set() });
          entry.spans++;
          entry.traces.add(t.traceID);
        }
      }
    }
    // separable: no trace holds spans of both clusters
    const [a, b] = clusters.map((c) => seen[c.name]!.traces);
    expect([...a!].filter((id) => b!.has(id))).to.deep.equal([]);
    console.log(
      `      gateway: ${clusters.map((c) => `${c.name} ${seen[c.name]!.spans} spans in ${seen[c.name]!.traces.size} traces`).join(', ')}`,
    );

    // Figures for the example's sizing notes: each kspan's resident memory after the rollout.
    const rss = (pid: number | undefined) =>
      /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
    console.log(
      `      RSS: ${clusters.map((c) => `${c.name} ${rss(c.kspan?.child.pid)} kB`).join(', ')}; collector ${rss(collector?.pid)} kB`,
    );

    // The Collector accepted what the two kspan instances sent, and refused nothing.
    const text = await (await fetch(metricsUrl)).text();
    const sum = (name: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(name))
        .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(sum('otelcol_receiver_accepted_spans'), text).to.be.greaterThanOrEqual(
      seen[clusters[0]!.name]!.spans + seen[clusters[1]!.name]!.spans,
    );
    expect(sum('otelcol_receiver_refused_spans')).to.equal(0);
    expect(sum('otelcol_exporter_send_failed_spans')).to.equal(0);
  });
});
