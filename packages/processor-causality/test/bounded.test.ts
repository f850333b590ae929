import { expect } from 'chai';
import { MetricsRegistry } from '@kspan/core';
import { coreEvent, obj, uidOf } from '@kspan/testing';
import { replay } from './helpers/run.js';

const state = (r: MetricsRegistry, cache: string) => r.value('causality_state_entries', { cache });
const evicted = (r: MetricsRegistry, cache: string) =>
  r.value('causality_evictions_total', { cache });

describe('bounded state', () => {
  it('caps pending events: the oldest go out early, counted', async () => {
    const r = new MetricsRegistry();
    const items = Array.from({ length: 10 }, (_, i) =>
      coreEvent({
        on: { kind: 'Pod', name: `p-${i}` },
        reason: 'Started',
        message: 'Started container c',
        component: 'kubelet',
        time: 0,
        observedAt: 0,
      }),
    );
    const spans = await replay(items, { max_pending_events: 3 }, r);
    expect(spans.filter((s) => s.name === 'Pod.Started')).to.have.length(10);
    expect(await evicted(r, 'pending')).to.equal(7);
  });

  it('caps the owner graph (least recently updated first), counted', async () => {
    const r = new MetricsRegistry();
    const items = Array.from({ length: 1000 }, (_, i) => obj('Pod', `pod-${i}`));
    await replay(items, { max_objects: 100 }, r);
    expect(await state(r, 'objects')).to.equal(100);
    expect(await evicted(r, 'objects')).to.equal(900);
  });

  it('memory follows live objects, not the number of events seen: old events, timelines and tombstones expire', async () => {
    const r = new MetricsRegistry();
    const d = obj('Deployment', 'web', { generation: 1 });
    const items = [d];
    // Two hours of events, one pod every 2 s, each pod deleted soon after.
    for (let i = 0; i < 3600; i++) {
      const t = i * 2;
      const pod = obj('Pod', `web-5d8f9c7b6d-p${i}`, {
        observedAt: t,
        owner: { kind: 'Deployment', name: 'web', uid: uidOf(d) },
      });
      items.push(pod);
      items.push(
        coreEvent({
          on: { kind: 'Pod', name: `web-5d8f9c7b6d-p${i}`, uid: uidOf(pod) },
          reason: 'Scheduled',
          message: `Successfully assigned default/web-5d8f9c7b6d-p${i} to n1`,
          component: 'default-scheduler',
          time: t,
          observedAt: t,
        }),
      );
      items.push(
        coreEvent({
          on: { kind: 'Pod', name: `web-5d8f9c7b6d-p${i}`, uid: uidOf(pod) },
          reason: 'BackOff',
          message: 'Back-off pulling image "x"',
          component: 'kubelet',
          time: t + 1,
          observedAt: t + 1,
          type: 'Warning',
        }),
      );
      items.push({ ...pod, type: 'DELETED', observedAt: pod.observedAt });
    }
    const spans = await replay(
      items,
      { parent_ttl: '10m', tombstone_ttl: '5m', trace_idle: '10m' },
      r,
    );
    // Two spans per pod, and each deletion (no controller's event names it) is modelled: a root.
    expect(
      spans.filter((s) => s.name === 'Pod.Scheduled' || s.name === 'Pod.BackOff'),
    ).to.have.length(7200);
    expect(spans.filter((s) => s.name === 'Pod.Delete')).to.have.length(3600);
    // ~10 minutes of events (parent_ttl + window) are held, not two hours' worth.
    expect(await state(r, 'events')).to.be.below(700);
    expect(await state(r, 'timelines')).to.be.below(400);
    expect(await state(r, 'objects')).to.be.below(200); // the Deployment and ~5 min of tombstones
    expect(await r.value('causality_expirations_total', { cache: 'events' })).to.be.above(6000);
    expect(await r.value('causality_expirations_total', { cache: 'tombstones' })).to.be.above(3000);
  });

  it('caps recent events and traces, counted', async () => {
    const r = new MetricsRegistry();
    const items = Array.from({ length: 50 }, (_, i) =>
      coreEvent({
        on: { kind: 'ConfigMap', name: `cm-${i}` },
        reason: 'Updated',
        message: 'x',
        component: 'c',
        time: i,
        observedAt: i,
      }),
    );
    const spans = await replay(items, { max_events: 10, max_traces: 5 }, r);
    expect(spans.filter((s) => s.name === 'ConfigMap.Updated')).to.have.length(50);
    expect(spans.filter((s) => s.name === 'ConfigMap.Change')).to.have.length(50);
    expect(await evicted(r, 'events')).to.equal(40);
    expect(await evicted(r, 'traces')).to.be.above(0);
  });
});
