// The end-to-end suite, what changed (issue 11 item 3): kspan runs live against the e2e cluster
// (the receiver's status watches send top objects with their spec) while the test changes a
// Deployment — `kubectl set image`, `kubectl scale`, `kubectl set env` — and each change's root,
// read back from Jaeger, must name exactly what the test changed (`kspan.change.diff`, and the
// `kspan.change.diff` span event), with the env value redacted.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { jaegerTracesRaw, type JTrace } from './lib/jaeger.js';
import {
  apply,
  createNamespace,
  deleteNamespace,
  kubectl,
  kubectlJson,
  rolloutStatus,
} from './lib/kubectl.js';
import type { KspanProcess } from './lib/kspan.js';
import { settle, settleDeployment } from './lib/settle.js';
import { startPipeline, stopPipeline } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, IMAGE_2, deployment, statefulSet } from './lib/workloads.js';

/** The attributes of what changed (other `kspan.change.*` ones tell how the change ended). */
const DIFF_KEYS = ['kspan.change.diff', 'kspan.change.diff.count', 'kspan.change.previous'];

type Fields = Record<string, string>;
interface Root {
  tags: Fields;
  /** The span's logs (span events), by name. */
  logs: Map<string, Fields>;
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const fields = (list: Array<{ key: string; value: unknown }> | undefined): Fields =>
  Object.fromEntries((list ?? []).map((f) => [f.key, text(f.value)]));

/** The synthesised root of generation `generation` of a Deployment (or `kind`), if Jaeger has it. */
function rootOf(
  traces: JTrace[],
  name: string,
  generation: number,
  kind = 'deployment',
): Root | undefined {
  for (const t of traces)
    for (const s of t.spans) {
      const tags = fields(s.tags);
      if (
        tags['kspan.synthetic'] === 'true' &&
        tags[`k8s.${kind}.name`] === name &&
        tags['kspan.generation'] === String(generation)
      ) {
        const logs = new Map<string, Fields>();
        for (const l of s.logs ?? []) {
          const f = fields(l.fields);
          logs.set(f.event ?? '', f);
        }
        return { tags, logs };
      }
    }
  return undefined;
}

/** Waits for the root of a generation in Jaeger (a root goes out once its change is quiet). */
function waitRoot(
  ns: string,
  name: string,
  generation: number,
  kind = 'deployment',
  kspan?: KspanProcess,
): Promise<Root> {
  return waitUntil(
    `the root of generation ${generation} of ${kind} ${name} in Jaeger`,
    async () => rootOf(await jaegerTracesRaw(ns), name, generation, kind),
    { timeoutMs: 120_000, intervalMs: 2000, detail: () => whyNoRoot(ns, name, kind, kspan) },
  );
}

/**
 * What a timed-out wait for a root reports: the roots of the object Jaeger holds, the object's
 * status as the API server has it (what kspan's end of the change reads), kspan's counts and log.
 */
async function whyNoRoot(
  ns: string,
  name: string,
  kind: string,
  kspan: KspanProcess | undefined,
): Promise<string> {
  const out: string[] = [];
  const roots: string[] = [];
  // Every other trace's root too: where the change's events went instead (a `Pod.Delete` root took
  // a StatefulSet's roll once, when its `delete Pod` Events came late: h24).
  const others: string[] = [];
  for (const t of await jaegerTracesRaw(ns).catch(() => []))
    for (const s of t.spans) {
      const tags = fields(s.tags);
      if (tags['kspan.synthetic'] === 'true' && tags[`k8s.${kind}.name`] === name)
        roots.push(
          `${s.operationName} generation ${tags['kspan.generation']} outcome ${tags['kspan.change.outcome']} diff ${tags['kspan.change.diff'] ?? '-'}`,
        );
      else if (!s.references?.some((r) => r.refType === 'CHILD_OF'))
        others.push(
          `${s.operationName} ${tags['k8s.pod.name'] ?? ''} (${t.spans.length} spans)`.trim(),
        );
    }
  out.push(`roots of ${kind} ${name} in Jaeger: ${roots.length ? roots.join('; ') : 'none'}`);
  out.push(`other roots in ${ns}: ${others.length ? others.join('; ') : 'none'}`);
  const obj = await kubectlJson<{ metadata?: { generation?: number }; status?: unknown }>([
    '-n',
    ns,
    'get',
    kind,
    name,
    '-o',
    'json',
  ]).catch((err: Error) => ({ error: err.message }));
  out.push(
    'error' in obj
      ? `${kind} ${name}: ${obj.error}`
      : `${kind} ${name} generation ${obj.metadata?.generation}, status ${JSON.stringify(obj.status)}`,
  );
  if (kspan) out.push(await kspan.diagnosis());
  return out.join('\n');
}

const change = (r: Root) =>
  Object.fromEntries(Object.entries(r.tags).filter(([k]) => DIFF_KEYS.includes(k)));

describe('suite: what changed (kspan.change.diff) on live rollouts', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;
  let stsNs: string;
  const name = 'web';
  const container = 'spec.template.spec.containers[app]';

  before(async () => {
    suiteEnv(); // a clear failure when the environment is not up
    ns = await createNamespace('rollout', {}, 'diff');
    stsNs = await createNamespace('sts', {}, 'diff');
    ({ kspan } = await startPipeline('diff', [ns, stsNs], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
      await deleteNamespace(stsNs);
    }
  });

  it('set image, scale and set env: each root names exactly that change; the env value is redacted', async () => {
    await apply(ns, deployment(name, { image: IMAGE_1, replicas: 2 }));
    await settleDeployment(ns, name, IMAGE_1, 2);
    await kubectl(['-n', ns, 'set', 'image', `deployment/${name}`, `app=${IMAGE_2}`]);
    await settleDeployment(ns, name, IMAGE_2, 2);
    await kubectl(['-n', ns, 'scale', `deployment/${name}`, '--replicas=3']);
    await settleDeployment(ns, name, IMAGE_2, 3);
    await kubectl(['-n', ns, 'set', 'env', `deployment/${name}`, 'DB_PASSWORD=hunter2']);
    await settleDeployment(ns, name, IMAGE_2, 3);

    const created = await waitRoot(ns, name, 1, undefined, kspan);
    expect(change(created), 'the creation compares with nothing').to.deep.equal({});

    const image = await waitRoot(ns, name, 2, undefined, kspan);
    expect(change(image)).to.deep.equal({
      'kspan.change.diff': `${container}.image: ${IMAGE_1} → ${IMAGE_2}`,
      'kspan.change.diff.count': '1',
    });
    expect(image.logs.get('kspan.change.diff')).to.deep.equal({
      event: 'kspan.change.diff',
      [`${container}.image`]: `${IMAGE_1} → ${IMAGE_2}`,
    });

    const scale = await waitRoot(ns, name, 3, undefined, kspan);
    expect(change(scale)).to.deep.equal({
      'kspan.change.diff': 'spec.replicas: 2 → 3',
      'kspan.change.diff.count': '1',
    });

    const env = await waitRoot(ns, name, 4, undefined, kspan);
    expect(change(env)).to.deep.equal({
      'kspan.change.diff': `${container}.env: (none) → [{"name":"DB_PASSWORD","value":"(redacted)"}]`,
      'kspan.change.diff.count': '1',
    });
    // The value is in no span kspan sent.
    expect(JSON.stringify(await jaegerTracesRaw(ns))).not.to.include('hunter2');
  });

  it('a StatefulSet rolled to a new image: its root names the image change', async () => {
    const sts = 'db';
    await apply(stsNs, statefulSet(sts, { image: IMAGE_1, replicas: 2 }));
    await rolloutStatus(stsNs, `statefulset/${sts}`);
    await settle(
      stsNs,
      `statefulset ${sts}`,
      (p) => p.name.startsWith(`${sts}-`) && p.image === IMAGE_1,
      2,
    );
    await kubectl(['-n', stsNs, 'set', 'image', `statefulset/${sts}`, `app=${IMAGE_2}`]);
    await rolloutStatus(stsNs, `statefulset/${sts}`);
    await settle(
      stsNs,
      `statefulset ${sts} rolled`,
      (p) => p.name.startsWith(`${sts}-`) && p.image === IMAGE_2,
      2,
    );
    const rolled = await waitRoot(stsNs, sts, 2, 'statefulset', kspan);
    expect(change(rolled)).to.deep.equal({
      'kspan.change.diff': `${container}.image: ${IMAGE_1} → ${IMAGE_2}`,
      'kspan.change.diff.count': '1',
    });
  });
});
