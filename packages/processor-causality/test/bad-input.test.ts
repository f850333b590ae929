import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import { MetricsRegistry, createLogger, type WatchEvent } from '@kspan/core';
import { causality } from '../src/index.js';
import { coreEvent, obj } from '@kspan/testing';
import { frozenClock } from './helpers/run.js';

describe('bad input is dropped, counted and logged (rate-limited), never thrown', () => {
  it('drops each kind of bad item with its reason and carries on', async () => {
    const good = coreEvent({
      on: { kind: 'Pod', name: 'ok' },
      reason: 'Started',
      message: 'Started container c',
      component: 'kubelet',
      time: 1,
    });
    const noInvolved = coreEvent({
      on: { kind: 'Pod', name: 'x' },
      reason: 'Started',
      message: 'm',
      component: 'kubelet',
      time: 1,
    });
    delete noInvolved.object.involvedObject;
    const badTime = coreEvent({
      on: { kind: 'Pod', name: 'x' },
      reason: 'Started',
      message: 'm',
      component: 'kubelet',
      time: 1,
    });
    badTime.object.lastTimestamp = 'yesterday';
    const noTime = {
      type: 'ADDED',
      object: { kind: 'Event', metadata: { uid: 'e' }, involvedObject: { kind: 'Pod', name: 'x' } },
    };
    const badObserved = { ...good, observedAt: 'soon' };
    const items: unknown[] = [
      42,
      null,
      'text',
      { type: 'ADDED' },
      { type: 'BOOKMARK', object: {} },
      { type: 'ADDED', object: [] },
      noInvolved,
      badTime,
      noTime,
      badObserved,
      { type: 'ADDED', object: { kind: 'Pod', metadata: {} } },
      {
        type: 'ADDED',
        object: {
          apiVersion: 'meta.k8s.io/v1',
          kind: 'PartialObjectMetadata',
          metadata: { name: 'x' },
        },
      },
      obj('Pod', 'ok'),
      good,
    ];
    const registry = new MetricsRegistry();
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l), now: () => 0 });
    const spans = await lastValueFrom(
      from(items as WatchEvent[]).pipe(
        causality({}, { clock: frozenClock(), metrics: registry.metricsFor('causality'), logger }),
        toArray(),
      ),
    );
    expect(spans.map((s) => s.name)).to.include('Pod.Started');
    const dropped = (reason: string) => registry.value('causality_dropped_items_total', { reason });
    expect(await dropped('not_an_object')).to.equal(6);
    expect(await dropped('no_involved_object')).to.equal(1);
    expect(await dropped('bad_time')).to.equal(2);
    expect(await dropped('no_time')).to.equal(1);
    expect(await dropped('bad_object')).to.equal(2);
    // One line per reason within the rate limit, not one per item.
    expect(lines.filter((l) => l.includes('dropped an item'))).to.have.length(5);
    expect(lines.join('\n')).to.include('reason=not_an_object');
  });

  it('ignores deleted events (their TTL), re-deliveries and unchanged counts', async () => {
    const ev = coreEvent({
      uid: 'ev-1',
      on: { kind: 'Pod', name: 'p' },
      reason: 'Started',
      message: 'Started container c',
      component: 'kubelet',
      time: 1,
    });
    const registry = new MetricsRegistry();
    const spans = await lastValueFrom(
      from([
        ev,
        { ...ev, type: 'MODIFIED' as const },
        ev,
        { ...ev, type: 'DELETED' as const },
      ]).pipe(
        causality({}, { clock: frozenClock(), metrics: registry.metricsFor('causality') }),
        toArray(),
      ),
    );
    expect(spans.filter((s) => s.name === 'Pod.Started')).to.have.length(1);
    expect(await registry.value('causality_items_total', { kind: 'duplicate' })).to.equal(2);
    expect(await registry.value('causality_items_total', { kind: 'event_deleted' })).to.equal(1);
  });
});
