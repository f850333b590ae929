import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MetricsRegistry, WatchEvent } from '@kspan/core';
import { at, coreEvent, newEvent, obj, uidOf } from '@kspan/testing';
import {
  liveUntil,
  obsOf,
  observed,
  differingContents,
  twoGenerations,
  withCreation,
} from './helpers/live.js';
import { replay } from './helpers/run.js';
import { renderTree } from './helpers/tree.js';

// The shutdown rule: a service stopping (SIGTERM) cuts the processor's input off; what is not
// final yet (event spans in their window, roots not yet due) is held back and counted, because a
// restarted kspan re-derives it from its relist — with the extent one uninterrupted run gives. The
// end of a replay's input still flushes everything.

const BASE_MS = Date.parse(at(0));
const { d1, d2, rs1, rs2 } = twoGenerations();
const ref = (w: WatchEvent) => ({
  kind: w.object.kind as string,
  name: w.object.metadata!.name as string,
  uid: uidOf(w),
});
const p1 = obj('Pod', 'web-5d4f8b7c9-bcdfg', { owner: ref(rs1), observedAt: 1 });
const p2 = obj('Pod', 'web-6b8c9d7f4-npqrs', { owner: ref(rs2), observedAt: 20 });

/**
 * A core/v1 Event as client-go names it, `<object>.<creation time in ns, hex>`: its time is known
 * below the second (a `Killing` 0.4 s after its `Deleted pod` extends that span).
 */
const ev = (on: WatchEvent, reason: string, message: string, component: string, t: number) => {
  const o = ref(on);
  const ns = BigInt(Math.round((BASE_MS + t * 1000) * 1000)) * 1000n;
  return coreEvent({
    name: `${o.name}.${ns.toString(16)}`,
    on: component === 'kubelet' ? { ...o, fieldPath: 'spec.containers{app}' } : o,
    reason,
    message,
    component,
    ...(component === 'kubelet' ? { host: 'node-1' } : {}),
    time: t,
    observedAt: t + 0.05,
  });
};
const scheduled = (p: WatchEvent, t: number) =>
  newEvent({
    regarding: ref(p),
    reason: 'Scheduled',
    note: `Successfully assigned default/${ref(p).name} to node-1`,
    controller: 'default-scheduler',
    time: t,
    observedAt: t + 0.05,
  });

const RS = 'replicaset-controller';
const DC = 'deployment-controller';
const items: WatchEvent[] = [
  d1,
  rs1,
  ev(d1, 'ScalingReplicaSet', 'Scaled up replica set web-5d4f8b7c9 to 1', DC, 1),
  ev(rs1, 'SuccessfulCreate', `Created pod: ${ref(p1).name}`, RS, 1.1),
  p1,
  scheduled(p1, 1.3),
  ev(p1, 'Started', 'Started container app', 'kubelet', 2),
  // the rollout (generation 2)
  d2,
  rs2,
  ev(d2, 'ScalingReplicaSet', 'Scaled up replica set web-6b8c9d7f4 to 1', DC, 20.1),
  ev(rs2, 'SuccessfulCreate', `Created pod: ${ref(p2).name}`, RS, 20.2),
  p2,
  scheduled(p2, 20.4),
  ev(p2, 'Started', 'Started container app', 'kubelet', 21.5),
  ev(d2, 'ScalingReplicaSet', 'Scaled down replica set web-5d4f8b7c9 to 0 from 1', DC, 30.1),
  ev(rs1, 'SuccessfulDelete', `Deleted pod: ${ref(p1).name}`, RS, 30.2),
  // SIGTERM at 30.4: the `Deleted pod` is in its window, its pod's `Killing` not yet seen
  ev(p1, 'Killing', 'Stopping container app', 'kubelet', 30.6),
].sort((a, b) => obsOf(a) - obsOf(b));
const STOP = 30.4;
const RESTART = 33;

/** The restarted process: the objects as they are now and every event so far (ADDED), then the watch. */
function relisted(): WatchEvent[] {
  let i = 0;
  const seen = (w: WatchEvent) => observed({ ...w, type: 'ADDED' }, RESTART + 0.001 * i++);
  return [
    ...[withCreation({ ...d2, type: 'ADDED' }, 0), rs1, rs2, p1, p2].map(seen),
    ...items.filter((w) => w.object.kind === 'Event' && obsOf(w) <= RESTART).map(seen),
  ];
}

const name = (s: ReadableSpan) => `${s.name} ${String(s.attributes['k8s.event.message'] ?? '')}`;
const held = (r: MetricsRegistry) =>
  r.value('causality_spans_not_emitted_total', { reason: 'open_at_shutdown' });

describe('shutdown: spans not yet final are held back, and a restart emits them whole', () => {
  it('stopped by SIGTERM before a `Deleted pod`’s `Killing`: nothing goes out that a restart would emit differently', async () => {
    const whole = await replay(items);
    const first = liveUntil(items, STOP, 'shutdown');
    const second = await replay(relisted());

    const differ = differingContents({ 'one run': whole, first: first.spans, second });
    const trees =
      `one run:\n${renderTree(whole)}\nfirst (stopped at ${STOP}):\n${renderTree(first.spans)}\n` +
      `second:\n${renderTree(second)}`;
    expect(differ, trees).to.deep.equal([]);

    // Held back: the two events of the rollout's last second (in their window) and its root (not
    // yet due: the change was not quiet for root_idle); everything older went out.
    const firstIds = new Set(first.spans.map((s) => s.spanContext().spanId));
    const notOut = whole.filter((s) => !firstIds.has(s.spanContext().spanId)).map(name);
    expect(notOut.sort(), trees).to.deep.equal(
      [
        'Deployment.ScalingReplicaSet Scaled down replica set web-5d4f8b7c9 to 0 from 1',
        'Deployment.Update ',
        'Pod.Killing Stopping container app',
        `ReplicaSet.SuccessfulDelete Deleted pod: ${ref(p1).name}`,
      ].sort(),
    );
    expect(await held(first.registry), 'spans not emitted, open at shutdown').to.equal(3);
    // The restarted process emits every span of the one run.
    expect(new Set(second.map((s) => s.spanContext().spanId))).to.deep.equal(
      new Set(whole.map((s) => s.spanContext().spanId)),
    );
  });

  it('the end of a replay’s input still flushes everything: the `Deleted pod` goes out, cut short', async () => {
    const ended = liveUntil(items, STOP, 'end');
    const deleted = ended.spans.find((s) => s.name === 'ReplicaSet.SuccessfulDelete');
    expect(deleted, renderTree(ended.spans)).to.not.equal(undefined);
    const whole = (await replay(items)).find((s) => s.name === 'ReplicaSet.SuccessfulDelete')!;
    // It ends at its own time, not at the `Killing` this input never had.
    expect(deleted!.endTime, renderTree(ended.spans)).to.not.deep.equal(whole.endTime);
    expect(ended.spans.filter((s) => s.name === 'Deployment.Update')).to.have.length(2);
    expect(await held(ended.registry)).to.equal(0);
  });
});
