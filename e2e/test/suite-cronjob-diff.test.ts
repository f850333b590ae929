// The end-to-end suite, what changed for a CronJob (issue 11): a CronJob's spec write makes no
// Event and its next run is a trace of its own, so kspan makes the write a trace of its own whose
// root names what changed. kspan runs live against the e2e cluster; the test creates a CronJob that
// never runs by itself, changes its image (`kubectl set image`) and its schedule (`kubectl patch`),
// and reads each write's root back from Jaeger: its writer (service), its time (the writer's
// managedFields time, read from the object) and `kspan.change.diff`, exactly what the test changed.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { jaegerTracesRaw, type JTrace } from './lib/jaeger.js';
import {
  apply,
  createNamespace,
  deleteNamespace,
  kubectl,
  kubectlJson,
  type KubeObj,
} from './lib/kubectl.js';
import type { KspanProcess } from './lib/kspan.js';
import { startPipeline, stopPipeline } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, IMAGE_2, cronJob } from './lib/workloads.js';

type Fields = Record<string, string>;
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

interface WriteRoot {
  service: string;
  startUs: number;
  durationUs: number;
  tags: Fields;
  /** Spans in its trace (the write alone: the runs are traces of their own). */
  traceSpans: number;
}

/** The root of generation `generation` of CronJob `name`, if Jaeger has it. */
function writeRoot(traces: JTrace[], name: string, generation: number): WriteRoot | undefined {
  for (const t of traces)
    for (const s of t.spans) {
      const tags: Fields = Object.fromEntries((s.tags ?? []).map((f) => [f.key, text(f.value)]));
      if (
        s.operationName === 'CronJob.Update' &&
        tags['k8s.cronjob.name'] === name &&
        tags['kspan.generation'] === String(generation)
      )
        return {
          service: t.processes[s.processID]?.serviceName ?? '',
          startUs: s.startTime,
          durationUs: s.duration,
          tags,
          traceSpans: t.spans.length,
        };
    }
  return undefined;
}

/** When `manager` last wrote the object's spec (managedFields), µs. */
function writtenAtUs(o: KubeObj, manager: string): number {
  const f = (o.metadata.managedFields ?? []).find(
    (m) => m.manager === manager && m.fieldsV1 && 'f:spec' in m.fieldsV1,
  );
  if (!f) throw new Error(`no spec write by ${manager} in ${JSON.stringify(o.metadata)}`);
  return Date.parse(f.time) * 1000;
}

describe('suite: a CronJob spec write is a trace with its diff', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;
  const name = 'nightly';

  before(async () => {
    suiteEnv(); // a clear failure when the environment is not up
    ns = await createNamespace('cronjob-diff');
    ({ kspan } = await startPipeline('cronjob-diff', [ns], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('set image, then patch the schedule: one root each, its writer at its time, naming exactly that change', async () => {
    // a schedule that is never due in the test: no run, only the writes
    await apply(ns, cronJob(name, { image: IMAGE_1, schedule: '0 0 1 1 *' }));
    // No pause between the writes, as typed: they often share a second, and managedFields times
    // have whole seconds (the owner graph tells the writers apart by which of them is new).
    await kubectl(['-n', ns, 'set', 'image', `cronjob/${name}`, `app=${IMAGE_2}`]);
    await kubectl([
      '-n',
      ns,
      'patch',
      `cronjob/${name}`,
      '-p',
      '{"spec":{"schedule":"30 2 * * *"}}',
    ]);
    const cj = await kubectlJson<KubeObj>([
      '-n',
      ns,
      'get',
      `cronjob/${name}`,
      '--show-managed-fields',
    ]);
    expect(cj.metadata.generation, 'two spec writes after the creation').to.equal(3);

    const both = await waitUntil(
      'the roots of generations 2 and 3 of the CronJob in Jaeger',
      async () => {
        const traces = await jaegerTracesRaw(ns);
        const image = writeRoot(traces, name, 2);
        const schedule = writeRoot(traces, name, 3);
        return image && schedule ? { image, schedule } : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );
    const container = 'spec.jobTemplate.spec.template.spec.containers[app]';
    const expected = [
      [both.image, 'kubectl-set', `${container}.image: ${IMAGE_1} → ${IMAGE_2}`],
      [both.schedule, 'kubectl-patch', 'spec.schedule: 0 0 1 1 * → 30 2 * * *'],
    ] as const;
    for (const [root, manager, diff] of expected) {
      expect(root.service).to.equal(manager);
      expect(root.tags['kspan.change.diff']).to.equal(diff);
      expect(root.tags['kspan.change.diff.count']).to.equal('1');
      expect(root.startUs, `${manager}'s write time`).to.equal(writtenAtUs(cj, manager));
      expect(root.durationUs, 'an instant: the write').to.be.at.most(1);
      expect(root.traceSpans).to.equal(1);
    }
    // the creation is no spec write of this kind (nothing to compare): no root for generation 1
    expect(writeRoot(await jaegerTracesRaw(ns), name, 1)).to.equal(undefined);
  });
});
