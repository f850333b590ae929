// The end-to-end suite, CronJobs: the cronjob-controller's `Created job X` is the root of that run's
// trace; the job's pod, its scheduling and kubelet-like events, the job's completion and the
// CronJob's `Saw completed job` hang under it. The test's own spec write (suspend, so that one run
// is all) is a trace of its own, rooted at that write with its diff. Read back from Jaeger.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import {
  apply,
  clusterEvents,
  createNamespace,
  deleteNamespace,
  describeEvent,
  kubectl,
  list,
} from './lib/kubectl.js';
import { jaegerTraces } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import { expectPath, podStartPaths } from './lib/scenarios.js';
import { expectTrace, startPipeline, stopPipeline } from './lib/suite.js';
import { renderTree } from './lib/trace.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, cronJob } from './lib/workloads.js';

describe('suite: a CronJob run traced live into Jaeger', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;

  before(async () => {
    suiteEnv();
    ns = await createNamespace('cron');
    ({ kspan } = await startPipeline('cronjob', [ns], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it("a CronJob's Job: one trace per run, rooted at the controller's `Created job`", async () => {
    const name = 'tick';
    // every minute: the controller creates the first job at the next minute boundary (≤ 60 s)
    await apply(ns, cronJob(name, { image: IMAGE_1, schedule: '* * * * *' }));
    const job = await waitUntil(
      `the first Job of CronJob ${name}`,
      async () => (await list(ns, 'jobs'))[0]?.metadata.name,
      { timeoutMs: 75_000, intervalMs: 1000 },
    );
    // one run is enough: no second job a minute later
    await kubectl([
      '-n',
      ns,
      'patch',
      `cronjob/${name}`,
      '--type=merge',
      '-p',
      '{"spec":{"suspend":true}}',
    ]);

    // KWOK runs the pod and completes it; the job controller then reports the job complete, and the
    // cronjob controller sees it
    const events = await waitUntil(
      `job ${job} to complete and be seen by the cronjob controller`,
      async () => {
        const ev = await clusterEvents(ns);
        const done =
          ev.some((e) => e.kind === 'Job' && e.reason === 'Completed') &&
          ev.some((e) => e.kind === 'CronJob' && e.reason === 'SawCompletedJob') &&
          ev.some((e) => e.kind === 'Pod' && e.reason === 'Started');
        return done ? ev : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 1000,
        detail: async () => (await clusterEvents(ns)).map(describeEvent).join('\n'),
      },
    );
    const runRoot = events.find(
      (e) =>
        e.kind === 'CronJob' &&
        e.reason === 'SuccessfulCreate' &&
        e.message === `Created job ${job}`,
    );
    expect(runRoot, `the cronjob-controller's "Created job ${job}"`).to.not.equal(undefined);
    expect(runRoot!.component).to.equal('cronjob-controller');

    const t = await expectTrace({
      read: jaegerTraces,
      ns,
      select: (all) => all, // every Event in the namespace is of this one run
      root: { event: runRoot! },
    });

    const rootM = {
      service: 'cronjob-controller',
      name: 'CronJob.SuccessfulCreate',
      message: `Created job ${job}`,
    };
    const pod = events
      .find((e) => e.kind === 'Job' && e.reason === 'SuccessfulCreate')!
      .message.replace(/^Created pod: /, '');
    for (const path of podStartPaths(
      [rootM],
      { service: 'job-controller', name: 'Job.SuccessfulCreate', message: `Created pod: ${pod}` },
      pod,
    ))
      expectPath(t, path);
    expect(
      t.spans.some((s) => s.service === 'job-controller' && s.name === 'Job.Completed'),
      renderTree(t),
    ).to.equal(true);
    expectPath(t, [
      rootM,
      {
        service: 'cronjob-controller',
        name: 'CronJob.SawCompletedJob',
        message: new RegExp(`^Saw completed job: ${job}\\b`),
      },
    ]);
    // The rest of the namespace: the suspend write, a trace of one span naming what it changed.
    const others = await waitUntil(
      'the trace of the suspend write',
      async () => {
        const rest = (await jaegerTraces(ns)).filter((x) => x.traceId !== t.traceId);
        return rest.length > 0 ? rest : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(
      others.map((x) =>
        x.spans.map((s) => `${s.service} ${s.name}: ${s.tags['kspan.change.diff']}`),
      ),
    ).to.deep.equal([['kubectl-patch CronJob.Update: spec.suspend: false → true']]);
  });
});
