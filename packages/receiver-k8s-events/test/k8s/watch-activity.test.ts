// kspan_last_event_age_seconds is per watch and grows while a watch is silent, so a silent watch
// shows even while the receiver's other watches flow (issue 14).
import { expect } from 'chai';
import { MetricsRegistry, resolveComponentConfig, standaloneContext } from '@kspan/core';
import { k8sEventsReceiver, k8sEventsStream } from '../../src/k8s/receiver.js';
import { WatchActivity } from '../../src/k8s/watch-activity.js';
import type { TransportRequest } from '../../src/k8s/transport.js';
import { drive, fakeTransport, ok, page, virtualClock, watchEvent, type Answer } from './fake.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function event(name: string, ns: string, reason: string) {
  return {
    metadata: { name, namespace: ns, uid: `u-${name}`, resourceVersion: `${name}-1` },
    involvedObject: { kind: 'Pod', name: 'p', namespace: ns },
    reason,
    type: 'Normal',
    message: reason,
    source: { component: 'kubelet' },
    lastTimestamp: new Date(NOW).toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

describe('k8s_events: last_event_age_seconds per watch', () => {
  it('reads each watch’s age at scrape time, from its start until the first item, then from its last item', async () => {
    const { clock, scheduler } = virtualClock();
    scheduler.frame = NOW;
    const metrics = new MetricsRegistry();
    const activity = new WatchActivity(metrics.metricsFor('k8s_events'), clock);
    const events = activity.track('events');
    activity.track('pods', (o) => o);
    const age = (watch: string) => metrics.value('last_event_age_seconds', { watch });
    expect([await age('events'), await age('pods')]).to.deep.equal([0, 0]);
    scheduler.frame = NOW + 30_000;
    expect(events({ metadata: { name: 'e' } })).to.deep.equal({ metadata: { name: 'e' } });
    scheduler.frame = NOW + 75_000;
    // no set() in between: the silent watch grew by the scrape alone
    expect([await age('events'), await age('pods')]).to.deep.equal([45, 75]);
    const text = await metrics.registry.metrics();
    expect(text).to.include('kspan_last_event_age_seconds{watch="pods",component="k8s_events"} 75');
  });

  it('on a live receiver: the silent namespace’s Event watch ages while the other one flows, filtered Events counting as flow', async () => {
    const { clock, scheduler } = virtualClock();
    scheduler.frame = NOW;
    const metrics = new MetricsRegistry();
    const watchStarts: number[] = [];
    const timed =
      (answer: Answer): Answer =>
      (req) => {
        watchStarts.push(clock.now());
        return answer(req);
      };
    const route = (req: TransportRequest) =>
      `${req.query.watch === '1' ? 'WATCH' : 'GET'} ${req.path}`;
    const fake = fakeTransport(
      route,
      {
        'GET /api/v1/namespaces/kube-system': [
          ok([
            { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'kube-system', uid: 'u' } },
          ]),
        ],
        'GET /api/v1/namespaces/a/events': [page([], '1')],
        'GET /api/v1/namespaces/b/events': [page([], '1')],
        'WATCH /api/v1/namespaces/a/events': [
          timed(ok([watchEvent('ADDED', event('first', 'a', 'Scheduled'))], { hang: true })),
          // a reason the filter drops: not emitted, but the watch did deliver it
          timed(ok([watchEvent('ADDED', event('filtered', 'a', 'Pulled'))], { hang: true })),
          timed(ok([], { hang: true })),
        ],
      },
      ok([], { hang: true }),
    );
    const config = resolveComponentConfig(
      k8sEventsReceiver,
      { namespaces: ['a', 'b'], reasons: ['Scheduled'], owners: { enabled: false } },
      'receivers.k8s_events',
    );
    const ctx = standaloneContext({
      id: 'k8s_events',
      clock,
      metrics: metrics.metricsFor('k8s_events'),
    });
    const stream = k8sEventsStream(config, ctx, { transport: fake.transport, random: () => 1 });
    const { items, sub } = await drive(stream, scheduler, () => watchStarts.length >= 3);
    sub.unsubscribe();
    expect(items.map((i) => i.object.metadata?.name)).to.deep.equal(['first']);
    const elapsed = (clock.now() - NOW) / 1000;
    const sinceFiltered = (clock.now() - watchStarts[1]!) / 1000;
    expect(elapsed, 'the run lasted beyond two stale reconnects').to.be.greaterThan(60);
    expect(await metrics.value('last_event_age_seconds', { watch: 'events@b' })).to.equal(elapsed);
    expect(await metrics.value('last_event_age_seconds', { watch: 'events@a' })).to.equal(
      sinceFiltered,
    );
    expect(sinceFiltered).to.be.lessThan(elapsed);
  });
});
