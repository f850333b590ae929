import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { at, coreEvent, coreViaNewApi, newEvent, obj, uidOf } from './helpers/k8s.js';
import { replay } from './helpers/run.js';
import { canonical, parseTree, renderTree, treeLines } from './helpers/tree.js';

const expectTree = (spans: ReadableSpan[], expected: string) =>
  expect(canonical(treeLines(spans)), `ours:\n${renderTree(spans)}`).to.equal(
    canonical(parseTree(expected)),
  );
const byName = (spans: ReadableSpan[], name: string, message?: string) => {
  const s = spans.find(
    (x) =>
      x.name === name && (message === undefined || x.attributes['k8s.event.message'] === message),
  );
  if (!s) throw new Error(`no span ${name} ${message ?? ''}\n${renderTree(spans)}`);
  return s;
};
const us = (t: readonly [number, number]) => t[0] * 1e6 + t[1] / 1e3;
const traces = (spans: ReadableSpan[]) => new Set(spans.map((s) => s.spanContext().traceId));

describe('scenarios', () => {
  it('a DaemonSet rollout: each replaced pod under the delete/create that names it', async () => {
    const ds = obj('DaemonSet', 'node-exporter', {
      ns: 'monitoring',
      generation: 2,
      specWriter: { manager: 'kubectl-client-side-apply', at: 0 },
    });
    const owner = { kind: 'DaemonSet', name: 'node-exporter', uid: uidOf(ds) };
    const oldPod = obj('Pod', 'node-exporter-b2c4d', { ns: 'monitoring', owner });
    const newPod = obj('Pod', 'node-exporter-x7z9k', { ns: 'monitoring', owner });
    const ns = 'monitoring';
    const items: WatchEvent[] = [
      ds,
      oldPod,
      newPod,
      coreEvent({
        ns,
        on: { kind: 'DaemonSet', name: 'node-exporter', uid: uidOf(ds) },
        reason: 'SuccessfulDelete',
        message: 'Deleted pod: node-exporter-b2c4d',
        component: 'daemonset-controller',
        time: 1,
      }),
      coreEvent({
        ns,
        on: {
          kind: 'Pod',
          name: 'node-exporter-b2c4d',
          uid: uidOf(oldPod),
          fieldPath: 'spec.containers{exporter}',
        },
        reason: 'Killing',
        message: 'Stopping container exporter',
        component: 'kubelet',
        host: 'node-1',
        time: 1,
      }),
      coreEvent({
        ns,
        on: { kind: 'DaemonSet', name: 'node-exporter', uid: uidOf(ds) },
        reason: 'SuccessfulCreate',
        message: 'Created pod: node-exporter-x7z9k',
        component: 'daemonset-controller',
        time: 3,
      }),
      newEvent({
        ns,
        regarding: { kind: 'Pod', name: 'node-exporter-x7z9k', uid: uidOf(newPod) },
        reason: 'Scheduled',
        note: 'Successfully assigned monitoring/node-exporter-x7z9k to node-1',
        controller: 'default-scheduler',
        time: 3.25,
      }),
      coreEvent({
        ns,
        on: {
          kind: 'Pod',
          name: 'node-exporter-x7z9k',
          uid: uidOf(newPod),
          fieldPath: 'spec.containers{exporter}',
        },
        reason: 'Pulled',
        message: 'Container image "prom/node-exporter:v1.8.0" already present on machine',
        component: 'kubelet',
        host: 'node-1',
        time: 4,
      }),
      coreEvent({
        ns,
        on: {
          kind: 'Pod',
          name: 'node-exporter-x7z9k',
          uid: uidOf(newPod),
          fieldPath: 'spec.containers{exporter}',
        },
        reason: 'Created',
        message: 'Created container: exporter',
        component: 'kubelet',
        host: 'node-1',
        time: 4,
      }),
      coreEvent({
        ns,
        on: {
          kind: 'Pod',
          name: 'node-exporter-x7z9k',
          uid: uidOf(newPod),
          fieldPath: 'spec.containers{exporter}',
        },
        reason: 'Started',
        message: 'Started container exporter',
        component: 'kubelet',
        host: 'node-1',
        time: 5,
      }),
    ];
    const spans = await replay(items);
    expectTree(
      spans,
      `0: kubectl-client-side-apply DaemonSet.Update 
1: daemonset-controller DaemonSet.SuccessfulDelete (0) Deleted pod: node-exporter-b2c4d
2: kubelet Pod.Killing (1) Stopping container exporter
3: daemonset-controller DaemonSet.SuccessfulCreate (0) Created pod: node-exporter-x7z9k
4: default-scheduler Pod.Scheduled (3) Successfully assigned monitoring/node-exporter-x7z9k to node-1
5: kubelet Pod.Pulled (3) Container image "prom/node-exporter:v1.8.0" already present on machine
6: kubelet Pod.Created (3) Created container: exporter
7: kubelet Pod.Started (3) Started container exporter`,
    );
    const started = byName(spans, 'Pod.Started');
    expect(started.attributes['k8s.daemonset.name']).to.equal('node-exporter');
    expect(started.attributes['k8s.node.name']).to.equal('node-1');
    expect(started.attributes['k8s.container.name']).to.equal('exporter');
    expect(byName(spans, 'Pod.Scheduled').attributes['k8s.node.name']).to.equal('node-1');
    // Pulled → Created → Started on one container: each span ends when the next one starts.
    expect(us(byName(spans, 'Pod.Created').endTime)).to.equal(us(started.startTime));
  });

  it('a CronJob → Job → Pod chain: each run is its own trace, rooted at "Created job"', async () => {
    const cj = obj('CronJob', 'backup', {
      generation: 1,
      specWriter: { manager: 'kubectl', at: -3600 },
    });
    const cjOwner = { kind: 'CronJob', name: 'backup', uid: uidOf(cj) };
    const run = (job: string, pod: string, t0: number): WatchEvent[] => {
      const j = obj('Job', job, {
        owner: cjOwner,
        generation: 1,
        specWriter: { manager: 'kube-controller-manager', at: t0 },
      });
      const p = obj('Pod', pod, { owner: { kind: 'Job', name: job, uid: uidOf(j) } });
      const onPod = { kind: 'Pod', name: pod, uid: uidOf(p), fieldPath: 'spec.containers{backup}' };
      return [
        j,
        p,
        coreEvent({
          on: { kind: 'CronJob', name: 'backup', uid: uidOf(cj) },
          reason: 'SuccessfulCreate',
          message: `Created job ${job}`,
          component: 'cronjob-controller',
          time: t0,
        }),
        coreEvent({
          on: { kind: 'Job', name: job, uid: uidOf(j) },
          reason: 'SuccessfulCreate',
          message: `Created pod: ${pod}`,
          component: 'job-controller',
          time: t0,
        }),
        newEvent({
          regarding: { kind: 'Pod', name: pod, uid: uidOf(p) },
          reason: 'Scheduled',
          note: `Successfully assigned default/${pod} to node-2`,
          controller: 'default-scheduler',
          time: t0 + 0.1,
        }),
        coreEvent({
          on: onPod,
          reason: 'Pulled',
          message: 'Container image "busybox" already present on machine',
          component: 'kubelet',
          host: 'node-2',
          time: t0 + 1,
        }),
        coreEvent({
          on: onPod,
          reason: 'Created',
          message: 'Created container: backup',
          component: 'kubelet',
          host: 'node-2',
          time: t0 + 1,
        }),
        coreEvent({
          on: onPod,
          reason: 'Started',
          message: 'Started container backup',
          component: 'kubelet',
          host: 'node-2',
          time: t0 + 1,
        }),
        coreEvent({
          on: { kind: 'Job', name: job, uid: uidOf(j) },
          reason: 'Completed',
          message: 'Job completed',
          component: 'job-controller',
          time: t0 + 8,
        }),
        coreEvent({
          on: { kind: 'CronJob', name: 'backup', uid: uidOf(cj) },
          reason: 'SawCompletedJob',
          message: `Saw completed job: ${job}, status: Complete`,
          component: 'cronjob-controller',
          time: t0 + 9,
        }),
      ];
    };
    const spans = await replay([
      cj,
      ...run('backup-28000000', 'backup-28000000-q7xkp', 0),
      ...run('backup-28000060', 'backup-28000060-z2m4b', 3600),
    ]);
    const one = (
      job: string,
      pod: string,
      base: number,
    ) => `${base}: cronjob-controller CronJob.SuccessfulCreate Created job ${job}
${base + 1}: job-controller Job.SuccessfulCreate (${base}) Created pod: ${pod}
${base + 2}: default-scheduler Pod.Scheduled (${base + 1}) Successfully assigned default/${pod} to node-2
${base + 3}: kubelet Pod.Pulled (${base + 1}) Container image "busybox" already present on machine
${base + 4}: kubelet Pod.Created (${base + 1}) Created container: backup
${base + 5}: kubelet Pod.Started (${base + 1}) Started container backup
${base + 6}: job-controller Job.Completed (${base}) Job completed
${base + 7}: cronjob-controller CronJob.SawCompletedJob (${base}) Saw completed job: ${job}, status: Complete`;
    expectTree(
      spans,
      `${one('backup-28000000', 'backup-28000000-q7xkp', 0)}\n${one('backup-28000060', 'backup-28000060-z2m4b', 8)}`,
    );
    expect(traces(spans).size).to.equal(2);
    expect(byName(spans, 'Pod.Started').attributes['k8s.cronjob.name']).to.equal('backup');
    expect(byName(spans, 'Pod.Started').attributes['k8s.job.name']).to.match(/^backup-2800/);
    expect(byName(spans, 'CronJob.SawCompletedJob').attributes['k8s.job.status']).to.equal(
      'Complete',
    );
  });

  it('a StatefulSet scale-down: each Killing under the delete that names its pod', async () => {
    const sts = obj('StatefulSet', 'web', {
      generation: 7,
      specWriter: { manager: 'kubectl', at: 10, subresource: 'scale' },
    });
    const owner = { kind: 'StatefulSet', name: 'web', uid: uidOf(sts) };
    const pods = ['web-0', 'web-1', 'web-2'].map((p) => obj('Pod', p, { owner }));
    const onSts = { kind: 'StatefulSet', name: 'web', uid: uidOf(sts) };
    const kill = (i: number, time: number) =>
      coreEvent({
        on: {
          kind: 'Pod',
          name: `web-${i}`,
          uid: uidOf(pods[i]!),
          fieldPath: 'spec.containers{nginx}',
        },
        reason: 'Killing',
        message: 'Stopping container nginx',
        component: 'kubelet',
        host: 'node-1',
        time,
      });
    const items = [
      sts,
      ...pods,
      coreEvent({
        on: onSts,
        reason: 'SuccessfulDelete',
        message: 'delete Pod web-2 in StatefulSet web successful',
        component: 'statefulset-controller',
        time: 10,
      }),
      kill(2, 10),
      { ...pods[2]!, type: 'DELETED' as const },
      // web-1's Killing is delivered before the delete that caused it.
      kill(1, 12),
      coreEvent({
        on: onSts,
        reason: 'SuccessfulDelete',
        message: 'delete Pod web-1 in StatefulSet web successful',
        component: 'statefulset-controller',
        time: 12,
      }),
      { ...pods[1]!, type: 'DELETED' as const },
    ];
    const spans = await replay(items);
    expectTree(
      spans,
      `0: kubectl StatefulSet.Update 
1: statefulset-controller StatefulSet.SuccessfulDelete (0) delete Pod web-2 in StatefulSet web successful
2: kubelet Pod.Killing (1) Stopping container nginx
3: statefulset-controller StatefulSet.SuccessfulDelete (0) delete Pod web-1 in StatefulSet web successful
4: kubelet Pod.Killing (3) Stopping container nginx`,
    );
    const root = byName(spans, 'StatefulSet.Update');
    expect(root.attributes['kspan.generation']).to.equal(7);
    expect(us(root.startTime)).to.equal(Date.parse(at(10)) * 1000);
  });

  describe('a pod whose ReplicaSet was deleted before its events arrived', () => {
    const setup = () => {
      const d = obj('Deployment', 'api', { generation: 4, specWriter: { manager: 'helm', at: 0 } });
      const rs = obj('ReplicaSet', 'api-7c9f8b6d5', {
        owner: { kind: 'Deployment', name: 'api', uid: uidOf(d) },
      });
      const pod = obj('Pod', 'api-7c9f8b6d5-q2w4x', {
        owner: { kind: 'ReplicaSet', name: 'api-7c9f8b6d5', uid: uidOf(rs) },
      });
      const killing = coreEvent({
        on: {
          kind: 'Pod',
          name: 'api-7c9f8b6d5-q2w4x',
          uid: uidOf(pod),
          fieldPath: 'spec.containers{api}',
        },
        reason: 'Killing',
        message: 'Stopping container api',
        component: 'kubelet',
        host: 'n1',
        time: 2,
      });
      return { d, rs, pod, killing };
    };

    it('resolves the owner chain from tombstones', async () => {
      const { d, rs, pod, killing } = setup();
      const spans = await replay([
        d,
        rs,
        pod,
        { ...rs, type: 'DELETED' },
        { ...pod, type: 'DELETED' },
        killing,
      ]);
      expectTree(
        spans,
        `0: helm Deployment.Update \n1: kubelet Pod.Killing (0) Stopping container api`,
      );
      const k = byName(spans, 'Pod.Killing');
      expect(k.attributes['k8s.replicaset.name']).to.equal('api-7c9f8b6d5');
      expect(k.attributes['k8s.replicaset.uid']).to.equal(uidOf(rs));
      expect(k.attributes['k8s.deployment.name']).to.equal('api');
      expect(k.attributes['kspan.parent.via']).to.equal('root');
    });

    it('…and under the scale-down that named the gone ReplicaSet', async () => {
      const { d, rs, pod, killing } = setup();
      const scaled = coreEvent({
        on: { kind: 'Deployment', name: 'api', uid: uidOf(d) },
        reason: 'ScalingReplicaSet',
        message: 'Scaled down replica set api-7c9f8b6d5 from 1 to 0',
        component: 'deployment-controller',
        time: 1,
      });
      const spans = await replay([
        d,
        rs,
        pod,
        { ...rs, type: 'DELETED' },
        { ...pod, type: 'DELETED' },
        scaled,
        killing,
      ]);
      expectTree(
        spans,
        `0: helm Deployment.Update 
1: deployment-controller Deployment.ScalingReplicaSet (0) Scaled down replica set api-7c9f8b6d5 from 1 to 0
2: kubelet Pod.Killing (1) Stopping container api`,
      );
      expect(byName(spans, 'Pod.Killing').attributes['kspan.parent.via']).to.equal('owner');
    });

    it('resolves from naming conventions when neither the pod nor its ReplicaSet was ever seen', async () => {
      const { d, killing } = setup();
      delete (killing.object.involvedObject as Record<string, unknown>).uid;
      const spans = await replay([d, killing]);
      expectTree(
        spans,
        `0: helm Deployment.Update \n1: kubelet Pod.Killing (0) Stopping container api`,
      );
      const k = byName(spans, 'Pod.Killing');
      expect(k.attributes['k8s.replicaset.name']).to.equal('api-7c9f8b6d5');
      expect(k.attributes['k8s.deployment.name']).to.equal('api');
    });

    it('resolves a Job pod to its CronJob by name', async () => {
      const cj = obj('CronJob', 'report', { generation: 1 });
      const ev = coreEvent({
        on: { kind: 'Pod', name: 'report-28100000-x2b4z', fieldPath: 'spec.containers{r}' },
        reason: 'Started',
        message: 'Started container r',
        component: 'kubelet',
        time: 1,
      });
      const spans = await replay([cj, ev]);
      const s = byName(spans, 'Pod.Started');
      expect(s.attributes['k8s.job.name']).to.equal('report-28100000');
      expect(s.attributes['k8s.cronjob.name']).to.equal('report');
    });
  });

  describe('a BackOff event repeated 20 times', () => {
    const pod = obj('Pod', 'crashy');
    const backOff = (count: number, time: number, observedAt?: number) =>
      coreEvent({
        uid: 'ev-backoff-1',
        on: { kind: 'Pod', name: 'crashy', uid: uidOf(pod), fieldPath: 'spec.containers{app}' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container app in pod crashy_default(1234)',
        component: 'kubelet',
        host: 'n1',
        type: 'Warning',
        time,
        first: 0,
        count,
        watch: count === 1 ? 'ADDED' : 'MODIFIED',
        ...(observedAt !== undefined ? { observedAt } : {}),
      });

    it('within its window: one span, 20 occurrences in time order (duplicates and disorder ignored)', async () => {
      const occurrences = Array.from({ length: 20 }, (_, i) => backOff(i + 1, i * 2));
      // Deliver out of order, with re-deliveries of the same count (a relist).
      const order = [...occurrences].reverse();
      order.splice(5, 0, occurrences[3]!, occurrences[3]!);
      const spans = await replay([pod, ...order], { window: '60s' });
      expect(spans).to.have.length(2); // the pod's root, and one span for the event
      const s = byName(spans, 'Pod.BackOff');
      expect(s.events.map((e) => e.attributes?.['k8s.event.count'])).to.deep.equal(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const times = s.events.map((e) => us(e.time));
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
      expect(times[0]).to.equal(us(s.startTime));
      expect(times[19]).to.equal(us(s.endTime));
      expect(s.status.code).to.equal(2); // ERROR: a Warning
      expect(s.attributes['k8s.event.count']).to.equal(20);
    });

    it('spread over time: the first span, then linked follow-on spans in the same trace, never a new trace', async () => {
      // 30 s apart with a 5 s window: each occurrence comes after the previous span went out.
      const occurrences = Array.from({ length: 20 }, (_, i) => backOff(i + 1, i * 30, i * 30));
      const spans = (await replay([pod, ...occurrences])).filter((s) => s.name === 'Pod.BackOff');
      expect(spans).to.have.length(20);
      expect(traces(spans).size).to.equal(1);
      expect(new Set(spans.map((s) => s.parentSpanContext?.spanId)).size).to.equal(1);
      expect(new Set(spans.map((s) => s.spanContext().spanId)).size).to.equal(20);
      // The first span went out before anyone knew the event would repeat: a plain span (count 1).
      expect(spans[0]!.events).to.deep.equal([]);
      expect(spans[0]!.links).to.deep.equal([]);
      const counts = spans.flatMap((s) =>
        s.events.length
          ? s.events.map((e) => e.attributes?.['k8s.event.count'])
          : [s.attributes['k8s.event.count']],
      );
      const starts = spans.map((s) => us(s.startTime));
      expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
      expect(counts).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      for (let i = 1; i < spans.length; i++)
        expect(spans[i]!.links[0]!.context.spanId).to.equal(spans[i - 1]!.spanContext().spanId);
    });
  });

  it('events.k8s.io/v1 events: the scheduler, series, `related`, and core events read through the new API', async () => {
    const d = obj('Deployment', 'web', {
      generation: 2,
      specWriter: { manager: 'argocd-controller', at: 0 },
    });
    const rs = obj('ReplicaSet', 'web-5d8f9c7b6d', {
      owner: { kind: 'Deployment', name: 'web', uid: uidOf(d) },
    });
    const podOwner = { kind: 'ReplicaSet', name: 'web-5d8f9c7b6d', uid: uidOf(rs) };
    const p1 = obj('Pod', 'web-5d8f9c7b6d-abcde', { owner: podOwner });
    const p2 = obj('Pod', 'web-5d8f9c7b6d-fghjk', { owner: podOwner });
    const onRs = { kind: 'ReplicaSet', name: 'web-5d8f9c7b6d', uid: uidOf(rs) };
    const spans = await replay([
      d,
      rs,
      p1,
      p2,
      coreViaNewApi({
        on: onRs,
        reason: 'SuccessfulCreate',
        message: 'Created pod: web-5d8f9c7b6d-abcde',
        component: 'replicaset-controller',
        time: 1,
      }),
      coreViaNewApi({
        on: onRs,
        reason: 'SuccessfulCreate',
        message: 'Created pod: web-5d8f9c7b6d-fghjk',
        component: 'replicaset-controller',
        time: 1,
      }),
      newEvent({
        regarding: { kind: 'Pod', name: 'web-5d8f9c7b6d-abcde', uid: uidOf(p1) },
        reason: 'Scheduled',
        action: 'Binding',
        note: 'Successfully assigned default/web-5d8f9c7b6d-abcde to node-a',
        controller: 'default-scheduler',
        time: 1.123456,
      }),
      newEvent({
        uid: 'fs-1',
        regarding: { kind: 'Pod', name: 'web-5d8f9c7b6d-fghjk', uid: uidOf(p2) },
        reason: 'FailedScheduling',
        action: 'Scheduling',
        type: 'Warning',
        note: '0/3 nodes are available: 3 Insufficient cpu.',
        controller: 'default-scheduler',
        time: 1.2,
      }),
      newEvent({
        uid: 'fs-1',
        watch: 'MODIFIED',
        regarding: { kind: 'Pod', name: 'web-5d8f9c7b6d-fghjk', uid: uidOf(p2) },
        reason: 'FailedScheduling',
        action: 'Scheduling',
        type: 'Warning',
        note: '0/3 nodes are available: 3 Insufficient memory.',
        controller: 'default-scheduler',
        time: 1.2,
        series: { count: 3, last: 2.5 },
      }),
      newEvent({
        regarding: { kind: 'Pod', name: 'web-5d8f9c7b6d-abcde', uid: uidOf(p1) },
        related: { kind: 'Pod', name: 'web-5d8f9c7b6d-fghjk', uid: uidOf(p2) },
        reason: 'Preempted',
        action: 'Preempting',
        note: `Preempted by pod ${uidOf(p2)} on node node-a`,
        controller: 'default-scheduler',
        time: 9.5,
      }),
    ]);
    expectTree(
      spans,
      `0: argocd-controller Deployment.Update 
1: replicaset-controller ReplicaSet.SuccessfulCreate (0) Created pod: web-5d8f9c7b6d-abcde
2: default-scheduler Pod.Scheduled (1) Successfully assigned default/web-5d8f9c7b6d-abcde to node-a
3: default-scheduler Pod.Preempted (1) Preempted by pod ${uidOf(p2)} on node node-a
4: replicaset-controller ReplicaSet.SuccessfulCreate (0) Created pod: web-5d8f9c7b6d-fghjk
5: default-scheduler Pod.FailedScheduling (4) 0/3 nodes are available: 3 Insufficient memory.`,
    );
    const scheduled = byName(spans, 'Pod.Scheduled');
    expect(us(scheduled.startTime)).to.equal(Date.parse(at(1)) * 1000 + 123456); // MicroTime kept
    expect(scheduled.attributes['k8s.node.name']).to.equal('node-a');
    expect(scheduled.attributes['k8s.event.action']).to.equal('Binding');
    expect(scheduled.attributes['k8s.event.reporting_instance']).to.equal('default-scheduler-host');
    const failed = byName(spans, 'Pod.FailedScheduling');
    expect(failed.status.code).to.equal(2);
    expect(failed.attributes['k8s.event.count']).to.equal(3);
    expect(failed.events.map((e) => e.attributes)).to.deep.equal([
      { 'k8s.event.count': 1, 'k8s.event.message': '0/3 nodes are available: 3 Insufficient cpu.' },
      { 'k8s.event.count': 3 },
    ]);
    const preempted = byName(spans, 'Pod.Preempted');
    expect(preempted.attributes['k8s.event.related.name']).to.equal('web-5d8f9c7b6d-fghjk');
    expect(preempted.links.map((l) => l.context.spanId)).to.deep.equal([
      failed.spanContext().spanId,
    ]);
  });

  describe('a traceparent annotation', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const items = (annotations: Record<string, string>, writers?: Record<string, number>) => {
      const d = obj('Deployment', 'shop', {
        generation: 9,
        specWriter: { manager: 'kubectl-client-side-apply', at: 10 },
        annotations,
        ...(writers ? { annotationWriters: writers } : {}),
      });
      return [
        d,
        coreEvent({
          on: { kind: 'Deployment', name: 'shop', uid: uidOf(d) },
          reason: 'ScalingReplicaSet',
          message: 'Scaled up replica set shop-6b7f9d8c5 to 1',
          component: 'deployment-controller',
          time: 10,
        }),
        coreEvent({
          on: { kind: 'ReplicaSet', name: 'shop-6b7f9d8c5' },
          reason: 'SuccessfulCreate',
          message: 'Created pod: shop-6b7f9d8c5-vw2xz',
          component: 'replicaset-controller',
          time: 10,
        }),
      ];
    };

    it('makes the change a child of the CI pipeline’s trace', async () => {
      const spans = await replay(
        items({ 'kspan.io/traceparent': tp }, { 'kspan.io/traceparent': 10 }),
      );
      expect([...traces(spans)]).to.deep.equal(['0af7651916cd43dd8448eb211c80319c']);
      const root = byName(spans, 'Deployment.Update');
      expect(root.parentSpanContext).to.include({ spanId: 'b7ad6b7169203331', isRemote: true });
      expect(root.attributes['kspan.parent.via']).to.equal('traceparent');
      expect(byName(spans, 'ReplicaSet.SuccessfulCreate').parentSpanContext?.spanId).to.equal(
        byName(spans, 'Deployment.ScalingReplicaSet').spanContext().spanId,
      );
    });

    it('honours a configured annotation name', async () => {
      const spans = await replay(items({ 'ci.example.com/traceparent': tp }), {
        traceparent_annotation: 'ci.example.com/traceparent',
      });
      expect([...traces(spans)]).to.deep.equal(['0af7651916cd43dd8448eb211c80319c']);
    });

    it('ignores one written before the newest spec change (it belongs to an older change)', async () => {
      const spans = await replay(
        items({ 'kspan.io/traceparent': tp }, { 'kspan.io/traceparent': 5 }),
      );
      expect([...traces(spans)][0]).to.not.equal('0af7651916cd43dd8448eb211c80319c');
      expect(byName(spans, 'Deployment.Update').parentSpanContext).to.equal(undefined);
    });
  });

  describe('a user-added rule from the config', () => {
    const rollout = obj('Rollout', 'demo', {
      apiVersion: 'argoproj.io/v1alpha1',
      generation: 3,
      specWriter: { manager: 'kubectl', at: 0 },
    });
    const rs = obj('ReplicaSet', 'demo-687d76d795', {
      owner: { kind: 'Rollout', name: 'demo', uid: uidOf(rollout) },
    });
    const items = [
      rollout,
      rs,
      coreEvent({
        on: { kind: 'Rollout', name: 'demo', uid: uidOf(rollout) },
        reason: 'RolloutUpdated',
        message: 'Rollout updated to revision 2',
        component: 'rollouts-controller',
        time: 0,
      }),
      coreEvent({
        on: { kind: 'Rollout', name: 'demo', uid: uidOf(rollout) },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up ReplicaSet demo-687d76d795 (revision 2) from 0 to 1',
        component: 'rollouts-controller',
        time: 1,
      }),
      coreEvent({
        on: { kind: 'ReplicaSet', name: 'demo-687d76d795', uid: uidOf(rs) },
        reason: 'SuccessfulCreate',
        message: 'Created pod: demo-687d76d795-7k9tq',
        component: 'replicaset-controller',
        time: 1,
      }),
    ];

    it('without it, the ReplicaSet’s events fall back to the root', async () => {
      const spans = await replay(items);
      expect(byName(spans, 'ReplicaSet.SuccessfulCreate').attributes['kspan.parent.via']).to.equal(
        'root',
      );
    });

    it('with it, they hang under the controller event that names the child; a root rule makes a top-level event the root', async () => {
      const spans = await replay(items, {
        rules: [
          {
            name: 'argo-rollouts-scaling',
            component: 'rollouts-controller',
            kind: 'Rollout',
            reason: 'ScalingReplicaSet',
            message:
              '^Scaled (?:up|down) ReplicaSet (?<name>\\S+) \\(revision (?<revision>\\d+)\\)',
            child: 'ReplicaSet',
            attributes: { 'argo.rollout.revision': 'revision' },
          },
          {
            name: 'argo-rollouts-updated',
            component: 'rollouts-controller',
            reason: 'RolloutUpdated',
            root: true,
          },
        ],
      });
      expectTree(
        spans,
        `0: rollouts-controller Rollout.RolloutUpdated Rollout updated to revision 2
1: rollouts-controller Rollout.ScalingReplicaSet (0) Scaled up ReplicaSet demo-687d76d795 (revision 2) from 0 to 1
2: replicaset-controller ReplicaSet.SuccessfulCreate (1) Created pod: demo-687d76d795-7k9tq`,
      );
      const scaling = byName(spans, 'Rollout.ScalingReplicaSet');
      expect(scaling.attributes['argo.rollout.revision']).to.equal('2');
      expect(scaling.attributes['kspan.rule']).to.equal('argo-rollouts-scaling');
      expect(byName(spans, 'ReplicaSet.SuccessfulCreate').attributes['k8s.rollout.name']).to.equal(
        'demo',
      );
    });
  });
});
