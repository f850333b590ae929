import { expect } from 'chai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MetricsRegistry, type WatchEvent } from '@kspan/core';
import {
  at,
  condition,
  coreEvent,
  deploymentStatus,
  newEvent,
  obj,
  podStatus,
  uidOf,
} from '@kspan/testing';
import { liveUntil, obsOf } from './helpers/live.js';
import { replay } from './helpers/run.js';
import { renderTree } from './helpers/tree.js';

// Issue 11: a root that spans the change, real durations below it, how it ended — all from the
// objects' own timestamps (the status a status watch carries), on virtual time.

const BASE_S = Date.parse(at(0)) / 1000;
/** A span's start and end, in seconds after the tests' base time. */
const sec = (hr: [number, number]) => hr[0] - BASE_S + hr[1] / 1e9;
const startOf = (s: ReadableSpan) => sec(s.startTime);
const endOf = (s: ReadableSpan) => sec(s.endTime);
const byObs = (items: WatchEvent[]) =>
  [...items].sort((a, b) => Date.parse(a.observedAt!) - Date.parse(b.observedAt!));

function find(spans: ReadableSpan[], name: string, message?: string): ReadableSpan {
  const found = spans.filter(
    (s) =>
      s.name === name &&
      (message === undefined || String(s.attributes['k8s.event.message']).includes(message)),
  );
  expect(found, `${name} ${message ?? ''} in\n${renderTree(spans)}`).to.have.length(1);
  return found[0]!;
}
const roots = (spans: ReadableSpan[], name: string) =>
  spans
    .filter((s) => s.name === name && s.attributes['kspan.synthetic'] === true)
    .sort((a, b) => startOf(a) - startOf(b));

/** A Deployment `web` (2 replicas) whose creation is written at 0 and watched with its status. */
function rollout(o: { withStatus: boolean }) {
  const st = <T>(v: T) => (o.withStatus ? v : undefined);
  const depUid = 'dep-web-0000-4000-8000-000000000001';
  const dep = (
    generation: number,
    writeAt: number,
    observedAt: number,
    status: Record<string, unknown> | undefined,
    type: 'ADDED' | 'MODIFIED' = 'MODIFIED',
  ) =>
    obj('Deployment', 'web', {
      uid: depUid,
      generation,
      created: 0,
      specWriter: { manager: 'kubectl-client-side-apply', at: writeAt },
      type,
      observedAt,
      spec: { replicas: 2 },
      ...(o.withStatus && status ? { status } : {}),
    });
  const owner = { kind: 'Deployment', name: 'web', uid: depUid };
  const rs = obj('ReplicaSet', 'web-5d4f8b7c9', { owner, observedAt: 0.15 });
  const rsRef = { kind: 'ReplicaSet', name: 'web-5d4f8b7c9', uid: uidOf(rs) };
  const podUid = (n: string) => `pod-${n}-0000-4000-8000-000000000001`;
  const pod = (name: string, observedAt: number, status: Record<string, unknown>) =>
    obj('Pod', name, {
      uid: podUid(name),
      owner: rsRef,
      created: 0,
      type: observedAt < 0.5 ? 'ADDED' : 'MODIFIED',
      observedAt,
      ...(st(status) ? { status } : {}),
    });
  const [p1, p2] = ['web-5d4f8b7c9-bcdfg', 'web-5d4f8b7c9-hjklm'];
  const kubelet = (name: string, reason: string, message: string, t: number) =>
    coreEvent({
      on: { kind: 'Pod', name, uid: podUid(name), fieldPath: 'spec.containers{app}' },
      reason,
      message,
      component: 'kubelet',
      host: 'node-1',
      time: t,
      observedAt: t + 0.1,
    });
  const items: WatchEvent[] = [
    dep(1, 0, 0.05, { observedGeneration: 0 }, 'ADDED'),
    rs,
    coreEvent({
      on: owner,
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-5d4f8b7c9 to 2',
      component: 'deployment-controller',
      time: 0,
      observedAt: 0.2,
    }),
    pod(p1, 0.3, podStatus({})),
    pod(p2, 0.31, podStatus({})),
    ...[p1, p2].map((p, i) =>
      coreEvent({
        on: rsRef,
        reason: 'SuccessfulCreate',
        message: `Created pod: ${p}`,
        component: 'replicaset-controller',
        time: 0,
        observedAt: 0.35 + i * 0.01,
      }),
    ),
    ...[p1, p2].map((p, i) =>
      newEvent({
        regarding: { kind: 'Pod', name: p, uid: podUid(p) },
        reason: 'Scheduled',
        note: `Successfully assigned default/${p} to node-1`,
        controller: 'default-scheduler',
        time: 0.6 + i * 0.01,
        observedAt: 0.65 + i * 0.01,
      }),
    ),
    pod(p1, 0.7, podStatus({ scheduled: 0 })),
    pod(p2, 0.71, podStatus({ scheduled: 0 })),
    // p1 pulls its image for 40 s; p2 has it.
    kubelet(p1, 'Pulling', 'Pulling image "app:1"', 1),
    kubelet(p2, 'Pulled', 'Container image "app:1" already present on machine', 1),
    kubelet(p2, 'Created', 'Created container: app', 1),
    kubelet(p2, 'Started', 'Started container app', 2),
    pod(p2, 3.1, podStatus({ scheduled: 0, initialized: 1, containersReady: 3, ready: 3 })),
    kubelet(p1, 'Pulled', 'Successfully pulled image "app:1" in 40s', 41),
    kubelet(p1, 'Created', 'Created container: app', 41),
    kubelet(p1, 'Started', 'Started container app', 41),
    pod(p1, 42.1, podStatus({ scheduled: 0, initialized: 1, containersReady: 42, ready: 42 })),
    dep(
      1,
      0,
      42.2,
      deploymentStatus({
        observedGeneration: 1,
        replicas: 2,
        progressing: { reason: 'NewReplicaSetAvailable', since: 0, update: 42 },
        availableSince: 42,
      }),
    ),
  ];
  return { items: byObs(items), dep, p1, p2 };
}

describe('story: a rollout told by its objects (issue 11)', () => {
  it('the root lasts from the spec write until the Deployment said the rollout was done; it says it completed', async () => {
    const { items } = rollout({ withStatus: true });
    const spans = await replay(items);
    const [root] = roots(spans, 'Deployment.Update');
    expect(root, renderTree(spans)).to.not.equal(undefined);
    expect(startOf(root!)).to.equal(0);
    expect(endOf(root!)).to.equal(42);
    expect(root!.attributes['kspan.change.outcome']).to.equal('complete');
    expect(root!.attributes['kspan.change.replicas.desired']).to.equal(2);
    expect(root!.attributes['kspan.change.replicas.ready']).to.equal(2);
    expect(root!.status.code).to.equal(SpanStatusCode.UNSET);
    expect(root!.events.map((e) => [e.name, sec(e.time as [number, number])])).to.deep.equal([
      ['Available', 42],
    ]);
  });

  it("each pod's creating span ends at its Ready time, with its conditions as span events", async () => {
    const { items, p1, p2 } = rollout({ withStatus: true });
    const spans = await replay(items);
    const c1 = find(spans, 'ReplicaSet.SuccessfulCreate', p1);
    const c2 = find(spans, 'ReplicaSet.SuccessfulCreate', p2);
    expect([startOf(c1), endOf(c1)]).to.deep.equal([0, 42]);
    expect([startOf(c2), endOf(c2)]).to.deep.equal([0, 3]);
    expect(c1.events.map((e) => [e.name, sec(e.time as [number, number])])).to.deep.equal([
      ['PodScheduled', 0],
      ['Initialized', 1],
      ['ContainersReady', 42],
      ['Ready', 42],
    ]);
  });

  it('Pulling lasts until Pulled of the same container, however long the pull (40 s ≫ window)', async () => {
    const { items, p1 } = rollout({ withStatus: true });
    const spans = await replay(items);
    const pulling = spans.find(
      (s) => s.name === 'Pod.Pulling' && s.attributes['k8s.pod.name'] === p1,
    )!;
    expect([startOf(pulling), endOf(pulling)]).to.deep.equal([1, 41]);
  });

  it('a pod that never becomes Ready: its creating span waits max_root_delay, then goes out with what is known, counted; over max_pending_events it is not held, counted', async () => {
    const { items, p1 } = rollout({ withStatus: true });
    // p1 never Ready: drop its last status and everything after the pull started.
    const stuck = items.filter(
      (w) =>
        !(w.object.metadata?.name === p1 && Date.parse(w.observedAt!) / 1000 - BASE_S > 40) &&
        w.object.kind !== 'Deployment',
    );
    const r = new MetricsRegistry();
    const spans = await replay(stuck, { max_root_delay: '2m' }, r);
    const c1 = find(spans, 'ReplicaSet.SuccessfulCreate', p1);
    // Out with the extent its events gave it when its window closed (up to the Pulling at 1),
    // though their timelines were swept in the 2 minutes it waited; no Ready step.
    expect(endOf(c1)).to.equal(1);
    expect(c1.events.map((e) => e.name)).to.deep.equal(['PodScheduled']);
    expect(await r.value('causality_expirations_total', { cache: 'held' })).to.equal(1);
    const r2 = new MetricsRegistry();
    await replay(stuck, { max_pending_events: 1 }, r2);
    expect(await r2.value('causality_evictions_total', { cache: 'held' })).to.be.greaterThan(0);
  });

  it('Pod.Scheduled lasts from the pod’s creation to the binding (never before its parent)', async () => {
    const { items, p1 } = rollout({ withStatus: true });
    const spans = await replay(items);
    const scheduled = spans.find(
      (s) => s.name === 'Pod.Scheduled' && s.attributes['k8s.pod.name'] === p1,
    )!;
    // Created at 0 (creationTimestamp), bound at 0.6; before, it ran to the Pulling at 1.
    expect([startOf(scheduled), endOf(scheduled)]).to.deep.equal([0, 0.6]);
  });

  it('a deleting span lasts until the pod is gone (its DELETED item’s final deletionTimestamp)', async () => {
    const { items, p2 } = rollout({ withStatus: true });
    const rs = items.find((w) => w.object.kind === 'ReplicaSet')!;
    const podItem = items.filter((w) => w.object.metadata?.name === p2).pop()!;
    const gone = (
      observedAt: number,
      deletion: { at: number; grace: number },
      type: 'MODIFIED' | 'DELETED',
    ) => ({
      ...podItem,
      type,
      observedAt: at(observedAt),
      object: {
        ...podItem.object,
        metadata: {
          ...podItem.object.metadata,
          deletionTimestamp: at(deletion.at),
          deletionGracePeriodSeconds: deletion.grace,
        },
      },
    });
    const spans = await replay([
      ...items,
      coreEvent({
        on: { kind: 'ReplicaSet', name: rs.object.metadata!.name as string, uid: uidOf(rs) },
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${p2}`,
        component: 'replicaset-controller',
        time: 50,
        observedAt: 50.05,
      }),
      gone(50.1, { at: 80, grace: 30 }, 'MODIFIED'),
      // The kubelet stopped it after 7 s and deleted it for good (grace 0): the API server moved
      // deletionTimestamp to that moment.
      gone(57.1, { at: 57, grace: 0 }, 'DELETED'),
    ]);
    const deleting = find(spans, 'ReplicaSet.SuccessfulDelete', p2);
    expect([startOf(deleting), endOf(deleting)]).to.deep.equal([50, 57]);
  });

  it('without status (an old capture) the root is the spec write, an instant, and spans keep their event extent', async () => {
    const { items, p1 } = rollout({ withStatus: false });
    const spans = await replay(items);
    const [root] = roots(spans, 'Deployment.Update');
    expect(startOf(root!)).to.equal(0);
    expect(endOf(root!) - startOf(root!)).to.be.below(1e-6);
    expect(root!.attributes).to.not.have.property('kspan.change.outcome');
    const c1 = find(spans, 'ReplicaSet.SuccessfulCreate', p1);
    expect(endOf(c1)).to.be.below(5);
    expect(c1.events).to.deep.equal([]);
  });

  it('status items seen half a second later give the same spans (times come from the objects, not arrival)', async () => {
    const { items } = rollout({ withStatus: true });
    const a = await replay(items);
    // Status items a little later (still in time order per object): same spans.
    const late = items.map((w) =>
      w.object.kind === 'Pod' || w.object.kind === 'Deployment'
        ? { ...w, observedAt: at(Date.parse(w.observedAt!) / 1000 - BASE_S + 0.5) }
        : w,
    );
    const b = await replay(byObs(late));
    const shape = (spans: ReadableSpan[]) =>
      spans
        .map((s) => `${s.spanContext().spanId} ${s.name} ${sec(s.startTime)} ${sec(s.endTime)}`)
        .sort();
    expect(shape(b)).to.deep.equal(shape(a));
  });
});

/** A span as compared across processes: everything but its ids, attributes in `omit` left out. */
function spanContent(s: ReadableSpan, o: { events?: boolean; omit?: string[] }): string {
  const attributes = Object.entries(s.attributes).filter(([k]) => !o.omit?.includes(k));
  const fields = [s.name, s.parentSpanContext?.spanId, s.startTime, s.endTime, attributes];
  return JSON.stringify(o.events ? [...fields, s.events] : fields);
}

/**
 * What a process started at `restartAt` lists: each object as it is then (its status included),
 * then every event so far, all ADDED and observed at the restart.
 */
function relistedAt(items: WatchEvent[], restartAt: number): WatchEvent[] {
  let i = 0;
  const seen = (w: WatchEvent): WatchEvent => ({
    ...w,
    type: 'ADDED',
    observedAt: at(restartAt + 0.001 * i++),
  });
  const latest = new Map<string, WatchEvent>();
  for (const w of items)
    if (w.object.kind !== 'Event' && obsOf(w) <= restartAt) latest.set(uidOf(w), w);
  return [
    ...[...latest.values()].map(seen),
    ...items.filter((w) => w.object.kind === 'Event' && obsOf(w) <= restartAt).map(seen),
  ];
}

/** A live process on a virtual clock, fed `input` at its observation times, stopped by SIGTERM at `stopAt`. */
const stoppedAt = (input: WatchEvent[], stopAt: number) => liveUntil(input, stopAt).spans;

describe('story: a restart mid-rollout', () => {
  it('stopped by SIGTERM while a pod pulls: what waits for its end is held back, and the restarted process (re-listing objects with their status) emits the same spans', async () => {
    const { items } = rollout({ withStatus: true });
    const STOP = 20;
    const RESTART = 25;
    const whole = await replay(items);
    const first = stoppedAt(items, STOP);
    const second = await replay([
      ...relistedAt(items, RESTART),
      ...items.filter((w) => obsOf(w) > RESTART),
    ]);

    const content = (s: ReadableSpan) => spanContent(s, { events: true });
    const byId = new Map<string, Set<string>>();
    for (const spans of [whole, first, second])
      for (const s of spans) {
        const id = s.spanContext().spanId;
        byId.set(id, (byId.get(id) ?? new Set()).add(content(s)));
      }
    const differ = [...byId.entries()].filter(([, v]) => v.size > 1).map(([id]) => id);
    const trees = `one run:\n${renderTree(whole)}\nfirst:\n${renderTree(first)}\nsecond:\n${renderTree(second)}`;
    expect(differ, trees).to.deep.equal([]);
    // The first process held back the root (not done), p1's creating span (not Ready) and its pull.
    const firstIds = new Set(first.map((s) => s.spanContext().spanId));
    const notOut = whole.filter((s) => !firstIds.has(s.spanContext().spanId)).map((s) => s.name);
    expect(notOut, trees).to.include.members([
      'Deployment.Update',
      'ReplicaSet.SuccessfulCreate',
      'Pod.Pulling',
    ]);
    expect(new Set(second.map((s) => s.spanContext().spanId))).to.deep.equal(
      new Set(whole.map((s) => s.spanContext().spanId)),
    );
  });
});

describe('story: a restart after a newer generation was written (the documented limit)', () => {
  it('the restarted process emits every span as one run does, but generation g − 1’s root: its end is no longer in any status', async () => {
    const { items, dep } = rollout({ withStatus: true });
    const owner = { kind: 'Deployment', name: 'web', uid: uidOf(items[0]!) };
    // Generation 2 written at 60 (the fixture's spec stays the same), reported done at 62.
    const all = byObs([
      ...items,
      dep(2, 60, 60.05, undefined),
      coreEvent({
        on: owner,
        reason: 'ScalingReplicaSet',
        message: 'Scaled down replica set web-5d4f8b7c9 to 2',
        component: 'deployment-controller',
        time: 60,
        observedAt: 60.2,
      }),
      dep(
        2,
        60,
        62.1,
        deploymentStatus({
          observedGeneration: 2,
          replicas: 2,
          progressing: { reason: 'NewReplicaSetAvailable', since: 0, update: 62 },
          availableSince: 42,
        }),
      ),
    ]);
    const whole = await replay(all);
    // Restarted at 70: the Deployment is at generation 2, its status says generation 2 is done.
    const second = await replay(relistedAt(all, 70));

    const trees = `one run:\n${renderTree(whole)}\nrestarted:\n${renderTree(second)}`;
    // What changed is compared apart: the restarted process never saw generation 1's spec.
    const DIFF = ['kspan.change.diff', 'kspan.change.diff.count', 'kspan.change.previous'];
    const content = (s: ReadableSpan) => spanContent(s, { omit: DIFF });
    const mine = new Map(second.map((s) => [s.spanContext().spanId, content(s)]));
    expect([...mine.keys()].sort(), trees).to.deep.equal(
      whole.map((s) => s.spanContext().spanId).sort(),
    );
    const differ = whole.filter((s) => mine.get(s.spanContext().spanId) !== content(s));
    const [gen1, gen2] = roots(whole, 'Deployment.Update');
    expect(gen2!.attributes['kspan.change.outcome'], trees).to.equal('complete');
    const gen2Again = second.find((s) => s.spanContext().spanId === gen2!.spanContext().spanId)!;
    expect(gen2Again.attributes['kspan.change.previous']).to.equal('unknown');
    expect(gen2!.attributes['kspan.change.previous']).to.equal(undefined);
    expect(
      differ.map((s) => s.spanContext().spanId),
      trees,
    ).to.deep.equal([gen1!.spanContext().spanId]);
    const again = second.find((s) => s.spanContext().spanId === gen1!.spanContext().spanId)!;
    // One run read the end from generation 1's status; the restarted one has only generation 2's.
    expect([endOf(gen1!), gen1!.attributes['kspan.change.outcome']]).to.deep.equal([
      42,
      'complete',
    ]);
    expect([endOf(again), again.attributes['kspan.change.outcome']]).to.deep.equal([
      60,
      'superseded',
    ]);
  });
});

describe('story: how a change ended', () => {
  it('a rollout that failed (progress deadline) lets out at once the creating span of its pod that never became Ready, not max_root_delay later', async () => {
    const { items, dep, p1 } = rollout({ withStatus: true });
    const failing = byObs([
      ...items
        .filter(
          (w) => w.object.kind !== 'Deployment' || Date.parse(w.observedAt!) / 1000 - BASE_S < 40,
        )
        .filter(
          (w) =>
            !(w.object.metadata?.name === p1 && Date.parse(w.observedAt!) / 1000 - BASE_S > 40),
        ),
      dep(
        1,
        0,
        30.1,
        deploymentStatus({
          observedGeneration: 1,
          replicas: 2,
          updated: 2,
          ready: 1,
          available: 1,
          progressing: {
            reason: 'ProgressDeadlineExceeded',
            status: 'False',
            since: 30,
            update: 30,
            message: 'ReplicaSet "web-5d4f8b7c9" has timed out progressing.',
          },
        }),
      ),
    ]);
    // Stopped at 60 s, long before max_root_delay (10m): only what went out by then is seen.
    const spans = stoppedAt(failing, 60);
    const [root] = roots(spans, 'Deployment.Update');
    expect(root?.attributes['kspan.change.outcome'], renderTree(spans)).to.equal('failed');
    const c1 = find(spans, 'ReplicaSet.SuccessfulCreate', p1);
    expect(endOf(c1), renderTree(spans)).to.be.at.most(30);
  });

  it('a rollout that exceeded its progress deadline: root ERROR with ProgressDeadlineExceeded, ending at the condition time', async () => {
    const { items, dep } = rollout({ withStatus: true });
    const failing = [
      ...items,
      dep(2, 60, 60.05, undefined),
      coreEvent({
        on: { kind: 'Deployment', name: 'web', uid: uidOf(items[0]!) },
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set web-7f8c9d6b5 to 1',
        component: 'deployment-controller',
        time: 60,
        observedAt: 60.2,
      }),
      dep(
        2,
        60,
        70.1,
        deploymentStatus({
          observedGeneration: 2,
          replicas: 3,
          updated: 1,
          ready: 2,
          available: 2,
          progressing: {
            reason: 'ProgressDeadlineExceeded',
            status: 'False',
            since: 70,
            update: 70,
            message: 'ReplicaSet "web-7f8c9d6b5" has timed out progressing.',
          },
        }),
      ),
    ];
    const spans = await replay(failing);
    const [, second] = roots(spans, 'Deployment.Update');
    expect(second, renderTree(spans)).to.not.equal(undefined);
    expect([startOf(second!), endOf(second!)]).to.deep.equal([60, 70]);
    expect(second!.status.code).to.equal(SpanStatusCode.ERROR);
    expect(second!.status.message).to.match(/^ProgressDeadlineExceeded: ReplicaSet/);
    expect(second!.attributes['kspan.change.outcome']).to.equal('failed');
    expect(second!.attributes['kspan.change.reason']).to.equal('ProgressDeadlineExceeded');
  });

  it('a change superseded by a newer generation ends at its write and links to its trace; one never done is unfinished', async () => {
    const { items, dep } = rollout({ withStatus: true });
    const scaled = (t: number, rs: string) =>
      coreEvent({
        on: { kind: 'Deployment', name: 'web', uid: uidOf(items[0]!) },
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${rs} to 1`,
        component: 'deployment-controller',
        time: t,
        observedAt: t + 0.2,
      });
    const more = [
      ...items,
      dep(2, 60, 60.05, undefined),
      scaled(60, 'web-7f8c9d6b5'),
      dep(3, 65, 65.05, undefined),
      scaled(65, 'web-6b8c9d7f4'),
    ];
    const spans = await replay(more);
    const [, second, third] = roots(spans, 'Deployment.Update');
    expect(second, renderTree(spans)).to.not.equal(undefined);
    expect([startOf(second!), endOf(second!)]).to.deep.equal([60, 65]);
    expect(second!.attributes['kspan.change.outcome']).to.equal('superseded');
    expect(second!.links).to.have.length(1);
    expect(second!.links[0]!.context.traceId).to.equal(third!.spanContext().traceId);
    expect(second!.links[0]!.context.spanId).to.equal(third!.spanContext().spanId);
    // Generation 3 never reported done: out at the end of input, unfinished.
    expect(third!.attributes['kspan.change.outcome']).to.equal('unfinished');
    expect(third!.status.code).to.equal(SpanStatusCode.UNSET);
  });

  it('a Job run: the root ends at the completion time; a failed Job is ERROR with its reason', async () => {
    for (const failed of [false, true]) {
      const cj = obj('CronJob', 'nightly', {
        generation: 1,
        specWriter: { manager: 'kubectl-create', at: 0 },
        observedAt: 0,
      });
      const cjRef = { kind: 'CronJob', name: 'nightly', uid: uidOf(cj) };
      const job = (observedAt: number, status: Record<string, unknown>) =>
        obj('Job', 'nightly-29000000', {
          uid: 'job-nightly-0000-4000-8000-000000000001',
          owner: cjRef,
          generation: 1,
          created: 60,
          observedAt,
          type: observedAt < 61 ? 'ADDED' : 'MODIFIED',
          status,
        });
      const jobRef = {
        kind: 'Job',
        name: 'nightly-29000000',
        uid: 'job-nightly-0000-4000-8000-000000000001',
      };
      const spans = await replay([
        cj,
        job(60.1, { startTime: at(60), active: 1 }),
        coreEvent({
          on: cjRef,
          reason: 'SuccessfulCreate',
          message: 'Created job nightly-29000000',
          component: 'cronjob-controller',
          time: 60,
          observedAt: 60.2,
        }),
        coreEvent({
          on: jobRef,
          reason: 'SuccessfulCreate',
          message: 'Created pod: nightly-29000000-bcdfg',
          component: 'job-controller',
          time: 60,
          observedAt: 60.3,
        }),
        job(
          90.1,
          failed
            ? {
                startTime: at(60),
                failed: 1,
                conditions: [
                  condition('Failed', 'True', 90, {
                    reason: 'BackoffLimitExceeded',
                    message: 'Job has reached the specified backoff limit',
                  }),
                ],
              }
            : {
                startTime: at(60),
                completionTime: at(90),
                succeeded: 1,
                conditions: [condition('Complete', 'True', 90)],
              },
        ),
      ]);
      const run = spans.find((s) => s.name === 'CronJob.SuccessfulCreate')!;
      expect(run, renderTree(spans)).to.not.equal(undefined);
      expect([startOf(run), endOf(run)]).to.deep.equal([60, 90]);
      expect(run.attributes['kspan.change.outcome']).to.equal(failed ? 'failed' : 'complete');
      expect(run.status.code).to.equal(failed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
      // The root names the CronJob: the Job's generation and writer would read as the CronJob's.
      expect(run.attributes).to.not.have.any.keys('kspan.generation', 'kspan.manager');
    }
  });

  it('a StatefulSet: its status carries no time, so the root ends with its last pod’s Ready once the status says every replica is updated and ready', async () => {
    const stsUid = 'sts-db-0000-4000-8000-000000000001';
    const sts = (observedAt: number, status: Record<string, unknown>) =>
      obj('StatefulSet', 'db', {
        uid: stsUid,
        generation: 1,
        created: 0,
        specWriter: { manager: 'kubectl-create', at: 0 },
        observedAt,
        type: observedAt < 1 ? 'ADDED' : 'MODIFIED',
        spec: { replicas: 2 },
        status,
      });
    const owner = { kind: 'StatefulSet', name: 'db', uid: stsUid };
    const pod = (name: string, created: number, observedAt: number, ready?: number) =>
      obj('Pod', name, {
        uid: `pod-${name}-0000-4000-8000-000000000001`,
        owner,
        created,
        observedAt,
        type: ready === undefined ? 'ADDED' : 'MODIFIED',
        status: podStatus(ready === undefined ? {} : { scheduled: created, ready }),
      });
    const created = (name: string, t: number) =>
      coreEvent({
        on: owner,
        reason: 'SuccessfulCreate',
        message: `create Pod ${name} in StatefulSet db successful`,
        component: 'statefulset-controller',
        time: t,
        observedAt: t + 0.05,
      });
    const spans = await replay(
      byObs([
        sts(0.05, { observedGeneration: 0 }),
        pod('db-0', 0, 0.1),
        created('db-0', 0),
        pod('db-0', 0, 5.1, 5),
        pod('db-1', 5, 5.2),
        created('db-1', 5),
        sts(5.3, {
          observedGeneration: 1,
          replicas: 1,
          readyReplicas: 1,
          currentRevision: 'db-1',
          updateRevision: 'db-1',
        }),
        pod('db-1', 5, 11.1, 11),
        sts(11.2, {
          observedGeneration: 1,
          replicas: 2,
          readyReplicas: 2,
          currentRevision: 'db-1',
          updateRevision: 'db-1',
        }),
      ]),
    );
    const root = spans.find((s) => s.name === 'StatefulSet.Update')!;
    expect(root, renderTree(spans)).to.not.equal(undefined);
    expect([startOf(root), endOf(root)]).to.deep.equal([0, 11]);
    expect(root.attributes['kspan.change.outcome']).to.equal('complete');
  });

  it('a StatefulSet pod deleted and re-created under its name: the deleting span is not held waiting for the successor to go', async () => {
    const stsUid = 'sts-db-0000-4000-8000-000000000002';
    const owner = { kind: 'StatefulSet', name: 'db', uid: stsUid };
    const pod = (
      uidTail: string,
      created: number,
      observedAt: number,
      o: { deletion?: { at: number; grace: number }; type?: 'ADDED' | 'MODIFIED' | 'DELETED' } = {},
    ) =>
      obj('Pod', 'db-0', {
        uid: `pod-db-0-0000-4000-8000-00000000000${uidTail}`,
        owner,
        created,
        observedAt,
        type: o.type ?? 'ADDED',
        ...(o.deletion ? { deletion: o.deletion } : {}),
        status: podStatus({ scheduled: created, ready: created + 1 }),
      });
    const r = new MetricsRegistry();
    const spans = await replay(
      [
        obj('StatefulSet', 'db', { uid: stsUid, generation: 2, observedAt: 0 }),
        pod('1', 0, 0.1),
        coreEvent({
          on: owner,
          reason: 'SuccessfulDelete',
          message: 'delete Pod db-0 in StatefulSet db successful',
          component: 'statefulset-controller',
          time: 30,
          observedAt: 30.05,
        }),
        pod('1', 0, 30.1, { deletion: { at: 60, grace: 30 }, type: 'MODIFIED' }),
        pod('1', 0, 31.1, { deletion: { at: 31, grace: 0 }, type: 'DELETED' }),
        pod('2', 31, 31.2),
      ],
      { max_root_delay: '5m' },
      r,
    );
    const deleting = find(spans, 'StatefulSet.SuccessfulDelete');
    // Its own extent (the name now belongs to the successor, so the old pod's gone time is not
    // looked up); before, it waited max_root_delay for the successor to be gone.
    expect(startOf(deleting)).to.equal(30);
    expect(await r.value('causality_expirations_total', { cache: 'held' })).to.equal(0);
  });

  it("a Job's pod that completes without ever being Ready: its creating span ends when it finished, not held", async () => {
    const jobRef = { kind: 'Job', name: 'once', uid: 'job-once-0000-4000-8000-000000000001' };
    const pod = (observedAt: number, status: Record<string, unknown>) =>
      obj('Pod', 'once-bcdfg', {
        uid: 'pod-once-0000-4000-8000-000000000001',
        owner: jobRef,
        created: 0,
        observedAt,
        type: observedAt < 1 ? 'ADDED' : 'MODIFIED',
        status,
      });
    const r = new MetricsRegistry();
    const spans = await replay(
      [
        obj('Job', 'once', { uid: jobRef.uid, generation: 1, created: 0, observedAt: 0 }),
        pod(0.1, { phase: 'Pending', conditions: [condition('PodScheduled', 'True', 0)] }),
        coreEvent({
          on: jobRef,
          reason: 'SuccessfulCreate',
          message: 'Created pod: once-bcdfg',
          component: 'job-controller',
          time: 0,
          observedAt: 0.2,
        }),
        pod(9.1, {
          phase: 'Succeeded',
          conditions: [
            condition('PodScheduled', 'True', 0),
            condition('Ready', 'False', 9, { reason: 'PodCompleted' }),
          ],
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { terminated: { reason: 'Completed', exitCode: 0, finishedAt: at(8) } },
            },
          ],
        }),
      ],
      { max_root_delay: '5m' },
      r,
    );
    const created = find(spans, 'Job.SuccessfulCreate');
    expect([startOf(created), endOf(created)]).to.deep.equal([0, 8]);
    expect(await r.value('causality_expirations_total', { cache: 'held' })).to.equal(0);
  });

  it("a lone Node event's root is named after what is known, never the service `unknown`", async () => {
    const node = obj('Node', 'node-7', { observedAt: 0 });
    const spans = await replay([
      node,
      coreEvent({
        on: { kind: 'Node', name: 'node-7', uid: uidOf(node) },
        reason: 'RegisteredNode',
        message: 'Node node-7 event: Registered Node node-7 in Controller',
        component: 'node-controller',
        time: 0,
        observedAt: 0.1,
      }),
    ]);
    const services = spans.map((s) => s.resource.attributes['service.name']);
    expect(services).to.not.include('unknown');
    const root = spans.find((s) => s.name === 'Node.Change')!;
    expect(root.resource.attributes['service.name']).to.equal('node-controller');
  });
});
