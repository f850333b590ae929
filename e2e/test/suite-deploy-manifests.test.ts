// The end-to-end suite, deploy manifests: deploy/ (Namespace, ServiceAccount, least-privilege
// ClusterRole and binding, ConfigMap with the pipeline, Deployment with probes, non-root, read-only
// root filesystem, under the `restricted` Pod Security level) applied to the real API server with
// server-side validation; then kspan runs locally with exactly that ServiceAccount's identity (a
// token from the TokenRequest API) and works, and the same identity is refused Secrets.
//
// The kspan Deployment's own pod would need the published kspan image, which does not exist here.
// That is fine: KWOK is the kubelet and pretends to run it; what is proven about the pod is that the
// API server admits it under `restricted`. kspan itself runs as a local process with the pod's identity.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO, suiteEnv } from './lib/env.js';
import {
  clusterEvents,
  createNamespace,
  deleteNamespace,
  describeEvent,
  kubectl,
  kubectlJson,
  pods,
  type KubeObj,
} from './lib/kubectl.js';
import { KspanProcess, freePort } from './lib/kspan.js';
import { waitUntil } from './lib/wait.js';
import { rolloutTraced } from './suite-image.support.js';

const BASE = join(REPO, 'deploy/base');
/** The pipeline in the applied ConfigMap (`config.yaml` of kspan/kspan-config). */
async function appliedPipeline(): Promise<string> {
  const cm = await kubectlJson<{ data: Record<string, string> }>([
    '-n',
    'kspan',
    'get',
    'configmap',
    'kspan-config',
  ]);
  return cm.data['config.yaml']!;
}
const warnings = (stderr: string) => stderr.split('\n').filter((l) => /warning/i.test(l));

interface Container {
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path?: string } };
  readinessProbe?: { httpGet?: { path?: string } };
}

describe('suite: deploy/ manifests on the real API server', function () {
  let ns: string;
  let kspan: KspanProcess | undefined;
  let tokenKubeconfig: string;
  const dir = mkdtempSync(join(tmpdir(), 'kspan-e2e-deploy-'));

  before(async () => {
    suiteEnv();
    ns = await createNamespace('deploy');
  });

  after(async () => {
    try {
      if (kspan?.running)
        expect(await kspan.stop(), `kspan exit code\n${kspan.tail()}`).to.equal(0);
    } finally {
      await deleteNamespace(ns);
      await kubectl(['delete', '-k', BASE, '--wait=false', '--ignore-not-found'], {
        allowFail: true,
      });
    }
  });

  it('deploy/base applies server-side without a warning, and its pod is admitted under `restricted`', async () => {
    const r = await kubectl(['apply', '--server-side', '-k', BASE]);
    expect(
      warnings(r.stderr),
      'warnings from the API server (Pod Security, deprecations)',
    ).to.deep.equal([]);
    for (const o of [
      'namespace/kspan',
      'serviceaccount/kspan',
      'clusterrole.rbac.authorization.k8s.io/kspan-reader',
      'clusterrolebinding.rbac.authorization.k8s.io/kspan-reader',
      'configmap/kspan-config',
      'deployment.apps/kspan',
    ])
      expect(r.stdout, 'objects applied').to.contain(o);

    const namespace = await kubectlJson<KubeObj>(['get', 'namespace', 'kspan']);
    expect(namespace.metadata.labels).to.include({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });

    // read back from the server: what the Deployment promises
    const dep = await kubectlJson<KubeObj>(['-n', 'kspan', 'get', 'deployment', 'kspan']);
    const podSpec = (dep.spec!.template as { spec: Record<string, unknown> }).spec;
    const c = (podSpec.containers as Container[])[0]!;
    expect(podSpec.serviceAccountName).to.equal('kspan');
    expect(podSpec.securityContext).to.deep.include({ runAsNonRoot: true });
    expect(c.securityContext).to.deep.include({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(c.livenessProbe?.httpGet?.path).to.equal('/healthz');
    expect(c.readinessProbe?.httpGet?.path).to.equal('/readyz');

    // least privilege: read-only verbs, nothing on secrets, no wildcards
    const role = await kubectlJson<{ rules: Array<{ resources: string[]; verbs: string[] }> }>([
      'get',
      'clusterrole',
      'kspan-reader',
    ]);
    for (const rule of role.rules) {
      expect(
        rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v)),
        JSON.stringify(rule),
      ).to.equal(true);
      expect(rule.resources, JSON.stringify(rule)).to.not.include.members(['secrets', '*']);
    }

    // The ReplicaSet's pod passes the namespace's `restricted` enforcement (else: FailedCreate)
    const pod = await waitUntil(
      'the kspan pod to be created in namespace kspan',
      async () => (await pods('kspan')).find((p) => p.name.startsWith('kspan-')),
      {
        timeoutMs: 60_000,
        detail: async () => (await clusterEvents('kspan')).map(describeEvent).join('\n'),
      },
    );
    expect(pod.uid).to.be.a('string');
    const refused = (await clusterEvents('kspan')).filter((e) => e.reason === 'FailedCreate');
    expect(refused.map(describeEvent)).to.deep.equal([]);

    // the pipeline in the ConfigMap is a valid kspan config
    const file = join(dir, 'configmap.yaml');
    writeFileSync(file, await appliedPipeline());
    const v = spawnSync(process.execPath, [CLI, 'validate', '--config', file], {
      encoding: 'utf8',
      cwd: REPO,
    });
    expect(v.status, v.stderr).to.equal(0);
  });

  it('the overlays pass server-side validation (dry run)', async () => {
    // A server-side dry run cannot create the namespace its objects go into: the base (applied by the
    // test before, applied again here so this test also runs alone) provides it.
    await kubectl(['apply', '--server-side', '-k', BASE]);
    for (const overlay of ['zipkin', 'jaeger']) {
      // server-side apply like the base (a client-side apply over it would only warn that the
      // objects lack kubectl's last-applied annotation)
      const r = await kubectl(
        [
          'apply',
          '--server-side',
          '--dry-run=server',
          '-k',
          join(REPO, 'deploy/overlays', overlay),
        ],
        { allowFail: true },
      );
      expect(r.code, `overlay ${overlay}: ${r.stderr}`).to.equal(0);
      expect(warnings(r.stderr), `overlay ${overlay}`).to.deep.equal([]);
      expect(r.stdout).to.contain('configmap/kspan-config');
    }
  });

  it("kspan runs with the ServiceAccount's own token, and its trace arrives in Jaeger", async () => {
    const env = suiteEnv();
    const token = (
      await kubectl(['-n', 'kspan', 'create', 'token', 'kspan', '--duration=1h'])
    ).stdout.trim();
    const ca = (
      await kubectl([
        'config',
        'view',
        '--raw',
        '--minify',
        '-o',
        'jsonpath={.clusters[0].cluster.certificate-authority}',
      ])
    ).stdout.trim();
    tokenKubeconfig = join(dir, 'kspan-sa.kubeconfig');
    writeFileSync(
      tokenKubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: e2e`,
        `  cluster: { server: "${env.APISERVER_URL}", certificate-authority: "${ca}" }`,
        'users:',
        `- name: kspan-sa`,
        `  user: { token: "${token}" }`,
        'contexts:',
        '- name: kspan-sa',
        '  context: { cluster: e2e, user: kspan-sa, namespace: kspan }',
        'current-context: kspan-sa',
        '',
      ].join('\n'),
    );
    const who = await kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      kubeconfig: tokenKubeconfig,
    });
    expect(who.stdout).to.equal('system:serviceaccount:kspan:kspan');

    // The pipeline from the applied ConfigMap, restricted to the test's namespace, its telemetry on a
    // local port, exporting to the e2e Jaeger (the ConfigMap reads OTLP_ENDPOINT).
    const port = await freePort();
    let text = await appliedPipeline();
    for (const [from, to] of [
      ['namespaces: []', `namespaces: [${ns}]`],
      ['address: 0.0.0.0:8888', `address: 127.0.0.1:${port}`],
    ] as const) {
      expect(text.split(from).length - 1, `"${from}" once in the ConfigMap's pipeline`).to.equal(1);
      text = text.replace(from, to);
    }
    kspan = KspanProcess.start('service-account', text, port, {
      KUBECONFIG: tokenKubeconfig,
      OTLP_ENDPOINT: env.JAEGER_OTLP_GRPC,
    });
    // ready means every watch (events, pods, nodes, deployments, …) was allowed and is live
    await kspan.waitReady();

    await rolloutTraced(ns, 'hello');
    expect(kspan.logs(), 'no authorization failure in kspan').to.not.match(
      /forbidden|HTTP 40[13]/i,
    );
    expect(await kspan.stop(), `kspan exit code\n${kspan.tail()}`).to.equal(0);
  });

  it('the same identity is refused Secrets, and anything beyond reading what kspan watches', async () => {
    expect(tokenKubeconfig, 'the token kubeconfig of the test before').to.be.a('string');
    for (const target of ['kspan', ns]) {
      const r = await kubectl(['-n', target, 'get', 'secrets'], {
        kubeconfig: tokenKubeconfig,
        allowFail: true,
      });
      expect(r.code, `get secrets -n ${target}`).to.not.equal(0);
      expect(r.stderr).to.match(/Forbidden|forbidden/);
      expect(r.stderr).to.contain('secrets');
    }
    const can = async (...args: string[]) =>
      (
        await kubectl(['auth', 'can-i', ...args], { kubeconfig: tokenKubeconfig, allowFail: true })
      ).stdout.trim();
    expect(await can('list', 'events', '-A')).to.equal('yes');
    expect(await can('watch', 'deployments.apps', '-A')).to.equal('yes');
    expect(await can('get', 'secrets', '-n', ns)).to.equal('no');
    expect(await can('list', 'configmaps', '-n', ns)).to.equal('no');
    expect(await can('create', 'pods', '-n', ns)).to.equal('no');
    expect(await can('delete', 'events', '-n', ns)).to.equal('no');
  });
});
