import { CoreEvent } from '../events.js';
import { nameSuffix } from '../ids.js';
import { ref, type SimObject } from '../objects.js';
import { startPod } from '../kubelet.js';
import type { World } from '../world.js';

const CJC = { component: 'cronjob-controller' };
const JC = { component: 'job-controller' };

function jobOf(w: World, cj: SimObject, scheduledMs: number): SimObject {
  const name = `${cj.name}-${Math.floor(scheduledMs / 60_000)}`;
  const job = w.object('Job', name, cj.namespace, scheduledMs, {
    generation: 1,
    owner: ref(cj),
    writers: [{ manager: 'kube-controller-manager', timeMs: scheduledMs, spec: true }],
    detail: { image: cj.detail.image, containers: ['app'] },
  });
  job.labels = {
    'batch.kubernetes.io/controller-uid': job.uid,
    'batch.kubernetes.io/job-name': name,
  };
  job.annotations = {
    'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(scheduledMs).toISOString(),
  };
  return job;
}

function podOfJob(w: World, job: SimObject, createdMs: number): SimObject {
  return w.object('Pod', `${job.name}-${nameSuffix(w.rng)}`, job.namespace, createdMs, {
    labels: { ...job.labels },
    owner: ref(job),
    writers: [{ manager: 'kube-controller-manager', timeMs: createdMs, spec: true }],
    detail: { image: job.detail.image, containers: ['app'], phase: 'Pending' },
  });
}

/**
 * One scheduled run of a CronJob: the cronjob-controller creates a Job, the job-controller its
 * Pod, the Pod runs to completion, the Job completes, and the oldest finished Job is cleaned up.
 */
export function cronJobRun(w: World, start: number): void {
  const { rng } = w;
  const namespace = rng.pick(w.namespaces);
  const name = w.name(namespace, rng.pick(['backup', 'report', 'sync', 'cleanup', 'digest']));
  const created = start - rng.between(86_400_000, 60 * 86_400_000);
  const cj = w.object('CronJob', name, namespace, created, {
    generation: 1,
    labels: { app: name },
    writers: [{ manager: 'kubectl-client-side-apply', timeMs: created, spec: true }],
    detail: { image: w.image(name), schedule: '*/5 * * * *' },
  });
  const previous = jobOf(w, cj, start - 300_000);
  previous.detail.done = start - 280_000;
  cj.detail.lastScheduleMs = start - 300_000;
  w.put(start, 'ADDED', cj, true);
  w.put(start, 'ADDED', previous, true);

  let t = start + rng.between(100, 1000);
  const job = jobOf(w, cj, t);
  w.put(t + rng.between(1, 10), 'ADDED', job);
  const made = `Created job ${job.name}`;
  w.event(
    t,
    new CoreEvent(
      { involved: cj, reason: 'SuccessfulCreate', message: made, reporter: CJC },
      t,
      rng,
    ),
  );
  t += rng.between(5, 40);
  const pod = podOfJob(w, job, t);
  w.put(t, 'ADDED', pod);
  const podMade = `Created pod: ${pod.name}`;
  w.event(
    t,
    new CoreEvent(
      { involved: job, reason: 'SuccessfulCreate', message: podMade, reporter: JC },
      t,
      rng,
    ),
  );
  t = startPod(w, pod, t, rng.chance(0.3)) + rng.between(500, 20_000);
  pod.detail.phase = 'Succeeded';
  pod.detail.finishedMs = t;
  w.put(t, 'MODIFIED', pod);
  t += rng.between(10, 300);
  job.detail.done = t;
  w.put(t, 'MODIFIED', job);
  w.event(
    t,
    new CoreEvent(
      { involved: job, reason: 'Completed', message: 'Job completed', reporter: JC },
      t,
      rng,
    ),
  );
  t += rng.between(50, 2000);
  const saw = `Saw completed job: ${job.name}, status: Complete`;
  w.event(
    t,
    new CoreEvent({ involved: cj, reason: 'SawCompletedJob', message: saw, reporter: CJC }, t, rng),
  );
  if (rng.chance(0.7)) {
    t += rng.between(5, 100);
    const gone = `Deleted job ${previous.name}`;
    w.event(
      t,
      new CoreEvent(
        { involved: cj, reason: 'SuccessfulDelete', message: gone, reporter: CJC },
        t,
        rng,
      ),
    );
    w.put(t + rng.between(5, 200), 'DELETED', previous);
  }
}
