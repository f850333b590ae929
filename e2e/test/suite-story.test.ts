// The end-to-end suite, issue 11: traces that tell the story. kspan runs live with status watches
// (k8s_events' default `owners.status_kinds`) while the test rolls Deployments out; the traces are
// read back from Jaeger and their times checked against the objects as `kubectl get -o json` shows
// them: the root lasts from the spec write until the status said done, each pod's creating span
// ends at its Ready time, a rollout past its progress deadline ends in ERROR with the reason.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import {
  apply,
  createNamespace,
  deleteNamespace,
  kubectl,
  list,
  rolloutStatus,
  type KubeObj,
} from './lib/kubectl.js';
import { jaegerTraces } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import { getObject, startPipeline, stopPipeline } from './lib/suite.js';
import { renderTraces, type SpanView, type TraceView } from './lib/trace.js';
import { sleep, waitUntil } from './lib/wait.js';
import {
  IMAGE_1,
  IMAGE_2,
  cronJob,
  deployment,
  podTemplate,
  statefulSet,
} from './lib/workloads.js';

function daemonSet(name: string, image: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate' },
      template: podTemplate(name, image),
    },
  });
}

type Obj = Record<string, unknown>;
const conditionOf = (o: KubeObj, type: string) =>
  ((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
const ms = (t: unknown) => Date.parse(t as string);
const endMs = (s: SpanView) => (s.startUs + s.durationUs) / 1000;
const startMs = (s: SpanView) => s.startUs / 1000;

/** When generation `g`'s spec was written: its writer's managedFields time (absent for `scale`). */
function writeTime(o: KubeObj): number | undefined {
  const times = (o.metadata.managedFields ?? [])
    .filter((f) => f.fieldsV1 && 'f:spec' in f.fieldsV1 && f.time)
    .map((f) => ms(f.time));
  return times.length ? Math.max(...times) : undefined;
}

/** Each pod's Ready lastTransitionTime in the namespace now. */
async function readyTimes(ns: string, into: Map<string, number>): Promise<void> {
  for (const p of await list(ns, 'pods')) {
    const ready = conditionOf(p, 'Ready');
    if (ready?.status === 'True') into.set(p.metadata.name, ms(ready.lastTransitionTime));
  }
}

/** Polls Jaeger until the namespace has a root `<kind>.<op>` of each generation wanted. */
async function rootsByGeneration(
  ns: string,
  object: string,
  generations: number[],
  ok: (r: SpanView) => boolean = () => true,
  kind = 'Deployment',
): Promise<{ roots: Map<number, SpanView>; traces: TraceView[] }> {
  let traces: TraceView[] = [];
  return waitUntil(
    `roots of ${ns}/${object} generations ${generations.join(', ')} in Jaeger`,
    async () => {
      traces = await jaegerTraces(ns);
      const roots = new Map<number, SpanView>();
      for (const t of traces)
        for (const s of t.spans)
          if (
            !s.parentId &&
            s.name.startsWith(`${kind}.`) &&
            s.tags['k8s.object.name'] === object &&
            ok(s)
          )
            roots.set(Number(s.tags['kspan.generation']), s);
      return generations.every((g) => roots.has(g)) ? { roots, traces } : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 2000, detail: () => renderTraces(traces) },
  );
}

describe('suite: story — real durations and outcomes read back from Jaeger', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;

  before(async () => {
    suiteEnv();
    ns = await createNamespace('story', {}, 'h16-story');
    ({ kspan } = await startPipeline('story', [ns], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('a Deployment created, given a new image, scaled: each root lasts from the spec write until the status said done (± 1 s); each pod’s creating span ends at its Ready time', async () => {
    const name = 'web';
    const ready = new Map<string, number>();
    /** Per generation: spec write and the status's done time, read from the object. */
    const truth = new Map<number, { write: number; done: number }>();
    /** The previous step's newest timed spec write and Progressing update: what it left behind. */
    let prevTimed: number | undefined;
    let prevUpdated: number | undefined;
    const step = async (g: number, act: () => Promise<unknown>) => {
      // No pause, as a user types: the first change right after kspan said ready (generation 1
      // was `superseded` when /readyz said 200 before the watches had listed), each next one as
      // soon as `rollout status` returned (often in the second of the one before: which
      // generation each event belongs to is told below the second).
      const before = Date.now();
      const readyBefore = new Set(ready.keys());
      await act();
      await rolloutStatus(ns, `deployment/${name}`);
      const o = await getObject(ns, `deployment/${name}`);
      expect(o.metadata.generation).to.equal(g);
      expect(o.status?.observedGeneration).to.equal(g);
      await readyTimes(ns, ready);
      // `kubectl scale` writes through the subresource: no time in managedFields. A newest timed
      // write the previous step left (the same second) is not this step's: then the write lies
      // just after the command's start.
      const timed = writeTime(o);
      const write = timed !== undefined && timed !== prevTimed ? timed : before;
      prevTimed = timed;
      const progressing = conditionOf(o, 'Progressing')!;
      expect(progressing.reason).to.equal('NewReplicaSetAvailable');
      const updated = ms(progressing.lastUpdateTime);
      // A scale does not touch Progressing when nothing had to progress (its lastUpdateTime is the
      // previous step's): then the status became complete when this step's new pods were Ready.
      const newPods = [...ready].filter(([pod]) => !readyBefore.has(pod)).map(([, t]) => t);
      const done = updated !== prevUpdated || newPods.length === 0 ? updated : Math.max(...newPods);
      prevUpdated = updated;
      truth.set(g, { write, done });
    };
    await step(1, () => apply(ns, deployment(name, { image: IMAGE_1, replicas: 2 })));
    await step(2, () =>
      kubectl(['-n', ns, 'set', 'image', `deployment/${name}`, `app=${IMAGE_2}`]),
    );
    await step(3, () => kubectl(['-n', ns, 'scale', `deployment/${name}`, '--replicas=3']));

    const { roots, traces } = await rootsByGeneration(ns, name, [1, 2, 3]);
    const trees = renderTraces(traces);
    for (const [g, t] of truth) {
      const r = roots.get(g)!;
      const where = `generation ${g}: root ${startMs(r)}..${endMs(r)}, truth ${t.write}..${t.done}\n${trees}`;
      expect(r.tags['kspan.change.outcome'], where).to.equal('complete');
      expect(r.error, where).to.equal(false);
      expect(Math.abs(startMs(r) - t.write), where).to.be.at.most(1000);
      expect(Math.abs(endMs(r) - t.done), where).to.be.at.most(1000);
    }

    // Every pod that became Ready: its creating span ends at its Ready time (the condition has
    // whole seconds: within the second after it).
    expect(ready.size, 'pods that became Ready').to.equal(2 + 2 + 1);
    const all = traces.flatMap((t) => t.spans);
    for (const [pod, t] of ready) {
      const created = all.find(
        (s) => s.name === 'ReplicaSet.SuccessfulCreate' && s.message === `Created pod: ${pod}`,
      );
      expect(created, `creating span of ${pod}\n${trees}`).to.not.equal(undefined);
      const end = endMs(created!);
      expect(end - t, `${pod}: creating span ends ${end}, Ready at ${t}\n${trees}`).to.be.within(
        0,
        1000,
      );
    }
  });

  it('a rollout past its progress deadline (its new pod never schedulable, so never Ready): the root is ERROR with ProgressDeadlineExceeded and ends at that condition', async () => {
    const name = 'stuck';
    const manifest = (cpu: string) => {
      const d = JSON.parse(deployment(name, { image: IMAGE_1, replicas: 1, cpu })) as Obj;
      (d.spec as Obj).progressDeadlineSeconds = 5;
      return JSON.stringify(d);
    };
    await apply(ns, manifest('10m'));
    await rolloutStatus(ns, `deployment/${name}`);
    // Generation 2 asks for more CPU than any node has: the new pod stays Pending.
    await apply(ns, manifest('1000'));
    const failed = await waitUntil(
      'Progressing=False ProgressDeadlineExceeded',
      async () => {
        const o = await getObject(ns, `deployment/${name}`);
        const p = conditionOf(o, 'Progressing');
        return o.status?.observedGeneration === 2 && p?.reason === 'ProgressDeadlineExceeded'
          ? p
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const { roots, traces } = await rootsByGeneration(
      ns,
      name,
      [2],
      (r) => r.tags['kspan.change.outcome'] !== undefined,
    );
    const r = roots.get(2)!;
    const where = renderTraces(traces);
    expect(r.tags['kspan.change.outcome'], where).to.equal('failed');
    expect(r.tags['kspan.change.reason'], where).to.equal('ProgressDeadlineExceeded');
    expect(r.error, where).to.equal(true);
    expect(r.tags['otel.status_description'] ?? '', where).to.match(/^ProgressDeadlineExceeded/);
    const deadline = ms(failed.lastUpdateTime);
    expect(Math.abs(endMs(r) - deadline), where).to.be.at.most(1000);
  });

  for (const kind of ['StatefulSet', 'DaemonSet'] as const)
    it(`a ${kind} given a new image: its status carries no time, so its root ends at its last pod’s Ready (± 1 s) once the status says every pod is updated and ready`, async () => {
      const name = kind === 'StatefulSet' ? 'db' : 'agent';
      const manifest = (image: string) =>
        kind === 'StatefulSet' ? statefulSet(name, { image, replicas: 2 }) : daemonSet(name, image);
      const ref = `${kind.toLowerCase()}/${name}`;
      await apply(ns, manifest(IMAGE_1));
      await rolloutStatus(ns, ref);
      await sleep(2500);
      await apply(ns, manifest(IMAGE_2));
      await rolloutStatus(ns, ref);
      const o = await getObject(ns, ref);
      expect(o.metadata.generation).to.equal(2);
      const write = writeTime(o)!;
      const ready = new Map<string, number>();
      await readyTimes(ns, ready);
      const owned = [...(await list(ns, 'pods'))]
        .filter((p) => p.metadata.ownerReferences?.some((r) => r.name === name))
        .map((p) => ready.get(p.metadata.name)!)
        .filter((t) => t >= Math.floor(write / 1000) * 1000);
      expect(owned.length, 'pods of the update').to.be.greaterThan(0);
      const done = Math.max(...owned);
      const { roots, traces } = await rootsByGeneration(ns, name, [2], undefined, kind);
      const r = roots.get(2)!;
      const where = `root ${startMs(r)}..${endMs(r)}, truth ${write}..${done}\n${renderTraces(traces)}`;
      expect(r.tags['kspan.change.outcome'], where).to.equal('complete');
      expect(Math.abs(startMs(r) - write), where).to.be.at.most(1000);
      expect(Math.abs(endMs(r) - done), where).to.be.at.most(1000);
    });

  it('a CronJob run: the run’s root (the `Created job` event) ends at its Job’s completionTime (± 1 s), outcome complete', async function () {
    this.timeout(240_000);
    const name = 'tick';
    await apply(ns, cronJob(name, { image: IMAGE_1, schedule: '* * * * *' }));
    const job = await waitUntil(
      'a Job of the CronJob that completed',
      async () =>
        (await list(ns, 'jobs')).find(
          (j) =>
            j.metadata.ownerReferences?.some((r) => r.name === name) &&
            conditionOf(j, 'Complete')?.status === 'True',
        ),
      { timeoutMs: 150_000, intervalMs: 2000 },
    );
    await kubectl(['-n', ns, 'patch', `cronjob/${name}`, '-p', '{"spec":{"suspend":true}}']);
    const completed = ms(job.status?.completionTime);
    let traces: TraceView[] = [];
    const run = await waitUntil(
      `the run root of ${job.metadata.name} in Jaeger`,
      async () => {
        traces = await jaegerTraces(ns);
        return traces
          .flatMap((t) => t.spans)
          .find(
            (s) =>
              !s.parentId &&
              s.tags['kspan.child.name'] === job.metadata.name &&
              s.tags['kspan.change.outcome'] !== undefined,
          );
      },
      { timeoutMs: 90_000, intervalMs: 2000, detail: () => renderTraces(traces) },
    );
    const where = `${job.metadata.name}: completed at ${String(job.status?.completionTime)}\n${renderTraces(traces)}`;
    expect(run.name, where).to.equal('CronJob.SuccessfulCreate');
    expect(run.tags['kspan.change.outcome'], where).to.equal('complete');
    expect(run.error, where).to.equal(false);
    expect(Math.abs(endMs(run) - completed), where).to.be.at.most(1000);
  });
});
