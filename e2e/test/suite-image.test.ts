// The end-to-end suite, the container image: localhost/kspan:dev (`pnpm image:build`) run with podman
// exactly as a pod runs it (see suite-image.support.ts), against the e2e control plane, with the
// pipeline of the ConfigMap that deploy/base applies. Proves: the in-cluster auth path (TokenRequest
// token, ca.crt, KUBERNETES_SERVICE_HOST/PORT, no kubeconfig), a rollout's trace in Jaeger, the
// probes, the token re-read on rotation, SIGTERM → flushed → exit 0, the read-only root filesystem,
// and the identity being refused Secrets.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { apply, kubectl, type KubeObj } from './lib/kubectl.js';
import { settleDeployment } from './lib/settle.js';
import { IMAGE_1, deployment } from './lib/workloads.js';
import { freePort } from './lib/kspan.js';
import {
  DEPLOY_BASE,
  IMAGE,
  KspanContainer,
  NODE,
  ServiceAccountDir,
  counterSum,
  podman,
  renderKustomize,
  requestToken,
  requireImage,
  rolloutTraced,
} from './suite-image.support.js';

describe('suite: the kspan image, run as a pod with the in-cluster ServiceAccount', function () {
  // `ship-` namespaces: this suite's own (the ServiceAccount lives there, the workloads too)
  const ns = `ship-image-${Date.now().toString(36).slice(-6)}`;
  const role = `${ns}-reader`;
  // one namespace per rollout (a rollout settles when its namespace holds only its own pods)
  const [second, third] = [`${ns}-2`, `${ns}-3`];
  let sa: ServiceAccountDir;
  let container: KspanContainer | undefined;
  let port: number;
  let flushedAtStop = -1;
  let heldAtStop = -1;
  /** deploy/base's container memory limit (`512Mi`), as podman's `--memory` takes it. */
  let memoryLimit = '';

  before(async () => {
    suiteEnv();
    await requireImage();
    for (const n of [ns, second, third]) await kubectl(['create', 'namespace', n]);
    await kubectl(['-n', ns, 'create', 'serviceaccount', 'kspan']);
    // deploy/base's ClusterRole (its rules, under this suite's name) bound to this ServiceAccount
    const objects = await renderKustomize(DEPLOY_BASE);
    memoryLimit = podmanMemory(objects);
    const clusterRole = objects.find((o) => o.kind === 'ClusterRole')!;
    // and its Role for the leader election's Lease, in the pod's own namespace
    const leaseRbac = objects
      .filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')
      .map((o) => ({
        ...o,
        metadata: { ...o.metadata, namespace: ns },
        ...(o.kind === 'RoleBinding'
          ? { subjects: [{ kind: 'ServiceAccount', name: 'kspan', namespace: ns }] }
          : {}),
      }));
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { ...clusterRole, metadata: { name: role } },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: role },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
            subjects: [{ kind: 'ServiceAccount', name: 'kspan', namespace: ns }],
          },
          ...leaseRbac,
        ],
      }),
    });
    // the first token is bound to a Secret, so that deleting the Secret revokes it (rotation test)
    await kubectl(['-n', ns, 'create', 'secret', 'generic', 'token-anchor']);
    sa = await ServiceAccountDir.create(ns, await requestToken(ns, 'kspan', 'token-anchor'));

    // The pipeline of deploy/base's ConfigMap; only the watched namespace, the metrics port (host
    // network: 8888 may be taken) and watch.timeout (so watches restart often, for the rotation
    // test) differ. OTLP_ENDPOINT is the variable the ConfigMap reads.
    const cm = objects.find((o) => o.kind === 'ConfigMap') as KubeObj & {
      data: Record<string, string>;
    };
    port = await freePort();
    let config = cm.data['config.yaml']!;
    for (const [from, to] of [
      ['namespaces: []', `namespaces: [${ns}, ${second}, ${third}]\n    watch: { timeout: 3s }`],
      ['address: 0.0.0.0:8888', `address: 127.0.0.1:${port}`],
    ] as const) {
      expect(config.split(from).length - 1, `"${from}" once in the ConfigMap`).to.equal(1);
      config = config.replace(from, to);
    }
    container = await KspanContainer.start({ name: ns, config, sa, metricsPort: port });
  });

  after(async () => {
    console.log(
      `      (spans sent after SIGTERM: ${flushedAtStop}; held back as open at shutdown: ${heldAtStop})`,
    );
    await container?.remove();
    await kubectl(['delete', 'clusterrolebinding,clusterrole', role, '--ignore-not-found'], {
      allowFail: true,
    });
    for (const n of [ns, second, third])
      await kubectl(['delete', 'namespace', n, '--wait=false'], { allowFail: true });
  });

  it('the image: uid 65532, the CLI as entrypoint, no shell, under 150 MB', async () => {
    const r = await podman([
      'image',
      'inspect',
      '--format',
      '{{.Config.User}}|{{json .Config.Entrypoint}}|{{.Size}}',
      IMAGE,
    ]);
    const [user, entrypoint, size] = r.stdout.trim().split('|');
    expect(user).to.equal('65532:65532');
    expect(JSON.parse(entrypoint!)).to.deep.equal(['/nodejs/bin/node', '/app/kspan.mjs']);
    expect(Number(size), 'image size, bytes').to.be.below(150e6);
    const sh = await podman(['run', '--rm', '--entrypoint', '/bin/sh', IMAGE, '-c', 'true']);
    expect(sh.code, 'a shell in the image').to.not.equal(0);
    expect(sh.stderr).to.match(/no such file or directory/);
  });

  it("under deploy/'s memory limit, node in the image has the young generation the benchmarks had", async () => {
    // Node sizes V8's heap from the container's limit: under 512Mi a young generation of 2 MiB,
    // which the image's NODE_OPTIONS raises to two 16 MiB semi-spaces (packages/kspan/Dockerfile).
    const probe = [
      "const v8 = require('v8');",
      'const keep = [];',
      // churn enough for V8 to grow the young generation to its largest
      'for (let r = 0; r < 40; r++) { const a = []; for (let i = 0; i < 200000; i++) a.push({ i }); keep.push(a.slice(0, 100)); }',
      "const n = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');",
      'console.log(JSON.stringify({ newSpaceMiB: n.space_size / 2 ** 20 }));',
    ].join('\n');
    const newSpace = async (env: string[]): Promise<number> => {
      const r = await podman([
        'run',
        '--rm',
        '--memory',
        memoryLimit,
        '--network',
        'none',
        ...env,
        '--entrypoint',
        NODE,
        IMAGE,
        '-e',
        probe,
      ]);
      expect(r.code, r.stderr).to.equal(0);
      return (JSON.parse(r.stdout) as { newSpaceMiB: number }).newSpaceMiB;
    };
    expect(await newSpace(['-e', 'NODE_OPTIONS=']), "V8's own, under the limit").to.be.at.most(2);
    expect(await newSpace([]), "with the image's NODE_OPTIONS").to.equal(32);
  });

  it('is ready with the mounted token and no kubeconfig; /healthz and /readyz answer; a rollout arrives in Jaeger', async () => {
    await container!.waitReady();
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${container!.metricsUrl}${path}`);
      expect(res.status, path).to.equal(200);
    }
    const env = await container!.exec('console.log(JSON.stringify(process.env))');
    const seen = JSON.parse(env.stdout) as Record<string, string>;
    expect(seen).to.not.have.property('KUBECONFIG');
    expect(seen.KUBERNETES_SERVICE_HOST).to.be.a('string');
    await rolloutTraced(ns, 'first');
    expect(await container!.logs(), 'no authorization failure').to.not.match(/HTTP 40[13]/);
  });

  it('cannot write its root filesystem, and its identity is refused Secrets', async () => {
    const write = await container!.exec(
      "for (const f of ['/app/x', '/tmp/x', '/x']) { try { require('fs').writeFileSync(f, 'x'); console.log(f + ' written') } catch (e) { console.log(f + ' ' + e.code) } }",
    );
    expect(write.stdout.trim().split('\n')).to.deep.equal([
      '/app/x EROFS',
      '/tmp/x EROFS',
      '/x EROFS',
    ]);
    // a request with the container's own mounted credentials, from inside the container
    expect(await container!.apiStatus(`/api/v1/namespaces/${ns}/secrets`)).to.equal('403');
  });

  it('re-reads a rotated token file: the old token revoked, the next rollout still arrives with no 401', async () => {
    await container!.waitReady(); // (also when this test runs alone)
    const metric = 'kspan_watch_restarts_total';
    const before = counterSum(await container!.metrics(), metric, { cause: 'unauthorized' });
    sa.swapToken(await requestToken(ns, 'kspan'));
    // revoke the first token: it was bound to this Secret
    await kubectl(['-n', ns, 'delete', 'secret', 'token-anchor']);
    // watches restart every 3 s (watch.timeout): several new requests go out during the rollout
    await rolloutTraced(second, 'second');
    const text = await container!.metrics();
    expect(text, `${metric} is exported`).to.contain(metric);
    expect(
      counterSum(text, metric, { cause: 'unauthorized' }) - before,
      `watches refused after the rotation\n${await container!.tail()}`,
    ).to.equal(0);
    expect(counterSum(text, metric, { cause: 'timeout' }), 'watch restarts at 3 s').to.be.above(0);
  });

  it('`podman stop -t 30` (SIGTERM) exits 0: exporters send what they hold, spans still open are counted, not sent', async () => {
    // Stop as soon as the rollout is done: its last spans are still in their 5 s window (and its
    // root, due only `root_idle` after its last event, unless its status was read first). The shutdown rule holds them back and counts
    // them (a restart re-derives them); what the exporters already held is sent, none dropped.
    await apply(third, deployment('third', { image: IMAGE_1, replicas: 1 }));
    await settleDeployment(third, 'third', IMAGE_1, 1);
    const sentBeforeStop = counterSum(await container!.metrics(), 'kspan_exporter_spans_total', {
      outcome: 'sent',
    });
    expect(await container!.stop(), await container!.tail()).to.equal(0);
    const lines = (await container!.logs()).split('\n');
    const summary = lines.find((l) => l.includes('exporter summary'));
    expect(summary, lines.join('\n')).to.be.a('string');
    const tally = JSON.parse(summary!) as { sent: number; failed: number; dropped: number };
    expect(tally, summary).to.deep.include({ failed: 0, dropped: 0 });
    const heldLine = lines.find((l) => l.includes('still open at shutdown'));
    expect(heldLine, lines.join('\n')).to.be.a('string');
    const held = JSON.parse(heldLine!) as { reason: string; events: number; roots: number };
    expect(held.reason).to.equal('open_at_shutdown');
    expect(held.events + held.roots, `spans of the rollout held back: ${heldLine}`).to.be.above(0);
    flushedAtStop = tally.sent - sentBeforeStop;
    heldAtStop = held.events + held.roots;
    expect(sentBeforeStop, 'spans sent before the stop').to.be.above(0);
  });
});

/** The kspan container's memory limit in deploy/base (`512Mi`) as podman's `--memory` (`512m`). */
function podmanMemory(objects: KubeObj[]): string {
  const deployment = objects.find((o) => o.kind === 'Deployment') as
    | {
        spec: {
          template: { spec: { containers: { resources?: { limits?: { memory?: string } } }[] } };
        };
      }
    | undefined;
  const limit = deployment?.spec.template.spec.containers[0]?.resources?.limits?.memory ?? '';
  const m = /^(\d+)(Mi|Gi)$/.exec(limit);
  if (!m) throw new Error(`deploy/base: a memory limit in Mi or Gi expected, got "${limit}"`);
  return `${m[1]}${m[2] === 'Mi' ? 'm' : 'g'}`;
}
