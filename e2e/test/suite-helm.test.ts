// The end-to-end suite, the Helm chart deploy/helm/kspan: `helm lint` (its values schema comes from
// `kspan print-schema`, so a bad pipeline config is refused), the chart and the kustomize base render
// the same Deployment, RBAC and ConfigMap (so they cannot drift), the default and the namespaced
// renders are admitted server-side under Pod Security `restricted`, and the image runs with the
// namespaced chart's RBAC and sees only its namespaces. helm is the one e2e/scripts/build-peers.sh
// builds (HELM in the env file).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, suiteEnv } from './lib/env.js';
import { clusterEvents, describeEvent, kubectl, kubectlJson, pods } from './lib/kubectl.js';
import type { KubeObj } from './lib/kubectl.js';
import { freePort } from './lib/kspan.js';
import { waitUntil } from './lib/wait.js';
import {
  DEPLOY_BASE,
  KspanContainer,
  ServiceAccountDir,
  counterSum,
  renderKustomize,
  requestToken,
  requireImage,
  rolloutTraced,
  parseYaml,
  yamlObjects,
} from './suite-image.support.js';

const CHART = join(REPO, 'deploy/helm/kspan');
const warnings = (stderr: string) => stderr.split('\n').filter((l) => /warning/i.test(l));

function helmPath(): string {
  const env = suiteEnv();
  const helm = env.HELM ?? process.env.HELM;
  if (!helm || !existsSync(helm))
    throw new Error(
      `helm not found (HELM=${helm ?? ''}): e2e/scripts/build-peers.sh helm builds it, up.sh writes HELM to the env file`,
    );
  return helm;
}

function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(helmPath(), args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function template(release: string, ns: string, args: string[] = []): Promise<string> {
  const r = await helm(['template', release, CHART, '--namespace', ns, ...args]);
  expect(r.code, `helm template: ${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** YAML documents → objects. */
const objects = async (text: string): Promise<KubeObj[]> => yamlObjects(text);

/** What must be the same in both renders: the object without the labels Helm adds to metadata. */
function comparable(o: KubeObj): unknown {
  const { metadata, ...rest } = o as KubeObj & Record<string, unknown>;
  const copy = structuredClone(rest) as Record<string, unknown> & {
    data?: Record<string, string>;
    spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
  };
  // the config text as data: the chart writes it with Helm's YAML writer, the base by hand
  if (copy.data?.['config.yaml'])
    copy.data = { ...copy.data, 'config.yaml': parseYaml(copy.data['config.yaml']) as string };
  delete copy.spec?.template?.metadata?.annotations?.['checksum/config'];
  if (
    copy.spec?.template?.metadata?.annotations &&
    !Object.keys(copy.spec.template.metadata.annotations).length
  )
    delete copy.spec.template.metadata.annotations;
  return { name: metadata.name, namespace: metadata.namespace, ...copy };
}

describe('suite: the Helm chart on the real API server', function () {
  const id = Date.now().toString(36).slice(-6);
  const ns = `ship-helm-${id}`;
  const watched = [`${ns}-a`, `${ns}-b`];
  const outside = `${ns}-c`;
  let container: KspanContainer | undefined;

  before(async () => {
    suiteEnv();
    helmPath();
    // Pod Security `restricted` enforced (and warned) where the chart goes
    for (const n of [ns, ...watched, outside])
      await kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: n,
            labels: {
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/warn': 'restricted',
            },
          },
        }),
      });
  });

  after(async () => {
    await container?.remove();
    for (const n of [ns, ...watched, outside])
      await kubectl(['delete', 'namespace', n, '--wait=false'], { allowFail: true });
  });

  it('helm lint passes for the default values and each example', async () => {
    for (const extra of [
      [],
      ['-f', join(CHART, 'examples/values-zipkin.yaml')],
      ['-f', join(CHART, 'examples/values-both.yaml')],
      ['-f', join(CHART, 'examples/values-namespaced.yaml')],
    ]) {
      const r = await helm(['lint', CHART, ...extra]);
      expect(r.code, `helm lint ${extra.join(' ')}:\n${r.stdout}${r.stderr}`).to.equal(0);
      expect(r.stdout).to.contain('0 chart(s) failed');
    }
  });

  it('refuses a bad pipeline config before anything is installed (values.schema.json)', async () => {
    for (const [set, says] of [
      ['config.exporters.otlp.bogus=1', "additional properties 'bogus' not allowed"],
      ['config.receivers.k8s_events.max_age=forever', '/config/receivers/k8s_events/max_age'],
      ['config.service.telemetry.logs.level=loud', '/config/service/telemetry/logs/level'],
    ] as const) {
      const r = await helm(['template', 'kspan', CHART, '--set', set]);
      expect(r.code, set).to.not.equal(0);
      expect(r.stderr, set).to.contain(says);
    }
    const r = await helm(['template', 'kspan', CHART, '--set', 'rbac.scope=namespaced']);
    expect(r.stderr).to.contain('list the namespaces to watch');
  });

  it('renders the same Deployment, RBAC, ServiceAccount and ConfigMap as deploy/base', async () => {
    const chart = await objects(await template('kspan', 'kspan'));
    const base = (await renderKustomize(DEPLOY_BASE)).filter((o) => o.kind !== 'Namespace');
    const key = (o: KubeObj) => `${o.kind}/${o.metadata.name}`;
    const chartByKey = new Map(chart.map((o) => [key(o), o]));
    for (const b of base) {
      const c = chartByKey.get(key(b));
      expect(
        c,
        `${key(b)} in the chart's render (has: ${[...chartByKey.keys()].join(', ')})`,
      ).to.not.equal(undefined);
      expect(comparable(c!), key(b)).to.deep.equal(comparable(b));
    }
    expect(base.map(key)).to.include.members([
      'Deployment/kspan',
      'ConfigMap/kspan-config',
      'ClusterRole/kspan-reader',
      'ClusterRoleBinding/kspan-reader',
      'ServiceAccount/kspan',
    ]);
  });

  it('the default render passes server-side validation in a `restricted` namespace', async () => {
    const r = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      input: await template(`${ns}-cluster`, ns),
      allowFail: true,
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(warnings(r.stderr), 'warnings (Pod Security, deprecations)').to.deep.equal([]);
    expect(r.stdout).to.contain('clusterrole.rbac.authorization.k8s.io');
  });

  it('the namespaced render applies server-side: a Role per watched namespace, its pod admitted under `restricted`', async () => {
    const yaml = await template('kspan', ns, [
      '-f',
      join(CHART, 'examples/values-namespaced.yaml'),
      '--set-json',
      `config.receivers.k8s_events.namespaces=${JSON.stringify(watched)}`,
    ]);
    const kinds = (await objects(yaml)).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`);
    expect(
      kinds.filter((k) => k.startsWith('Cluster')),
      'cluster-wide objects',
    ).to.deep.equal([]);
    const r = await kubectl(['apply', '--server-side', '-f', '-'], { input: yaml });
    expect(warnings(r.stderr)).to.deep.equal([]);
    for (const n of watched) {
      await kubectl(['-n', n, 'get', 'role/kspan-reader', 'rolebinding/kspan-reader']);
    }
    const pod = await waitUntil(
      `the kspan pod in ${ns}`,
      async () => (await pods(ns)).find((p) => p.name.startsWith('kspan-')),
      {
        timeoutMs: 60_000,
        detail: async () => (await clusterEvents(ns)).map(describeEvent).join('\n'),
      },
    );
    expect(pod.uid).to.be.a('string');
    const refused = (await clusterEvents(ns)).filter((e) => e.reason === 'FailedCreate');
    expect(refused.map(describeEvent)).to.deep.equal([]);
  });

  it("the image runs with the namespaced chart's RBAC: ready, traces its namespaces, refused elsewhere", async () => {
    await requireImage();
    const cm = await kubectlJson<{ data: Record<string, string> }>([
      '-n',
      ns,
      'get',
      'configmap',
      'kspan-config',
    ]);
    const port = await freePort();
    const config = cm.data['config.yaml']!.replace(
      'address: 0.0.0.0:8888',
      `address: 127.0.0.1:${port}`,
    );
    expect(config).to.contain(`127.0.0.1:${port}`);
    const sa = await ServiceAccountDir.create(ns, await requestToken(ns, 'kspan'));
    container = await KspanContainer.start({ name: ns, config, sa, metricsPort: port });
    // ready = every list and watch of the namespaced config was allowed by the Roles
    await container.waitReady();

    const [first] = watched as [string, string];
    await rolloutTraced(first, 'web');
    const denied = counterSum(await container.metrics(), 'kspan_watch_restarts_total', {
      cause: 'forbidden',
    });
    expect(denied, 'watches refused').to.equal(0);

    // with the container's own mounted token: its namespaces yes, any other and cluster-wide no
    const status = (path: string) => container!.apiStatus(path);
    expect(await status(`/api/v1/namespaces/${first}/events?limit=1`)).to.equal('200');
    expect(await status(`/api/v1/namespaces/${outside}/events?limit=1`)).to.equal('403');
    expect(await status('/api/v1/events?limit=1')).to.equal('403');
    expect(await status('/api/v1/nodes?limit=1')).to.equal('403');
    expect(await status(`/api/v1/namespaces/${first}/secrets?limit=1`)).to.equal('403');
    expect(await container.stop(), await container.tail()).to.equal(0);
  });
});
