import { expect } from 'chai';
import { normalizeEvent, type NormEvent } from '../src/index.js';
import { Interner } from '../src/intern.js';
import { at, coreEvent, coreViaNewApi, newEvent } from '@kspan/testing';
import { parseTime } from '../src/time.js';

/** The `max_time_skew` default. */
const MAX_SKEW_US = 168 * 3600 * 1e6;

const norm = (w: { object: Record<string, unknown>; observedAt?: string }) =>
  normalizeEvent(w.object, w.observedAt, new Interner(), MAX_SKEW_US) as NormEvent;
const usAt = (sec: number) => Date.parse(at(Math.floor(sec))) * 1000 + Math.round((sec % 1) * 1e6);

describe('event normalisation (both Event APIs)', () => {
  it('reads a core/v1 event', () => {
    const e = norm(
      coreEvent({
        uid: 'a',
        on: { kind: 'Pod', name: 'p', uid: 'pu', fieldPath: 'spec.initContainers{init}' },
        reason: 'Pulled',
        message: 'm',
        component: 'kubelet',
        host: 'n1',
        time: 5,
        first: 1,
        count: 3,
        observedAt: 5.5,
      }),
    );
    expect(e).to.include({
      uid: 'a',
      reason: 'Pulled',
      message: 'm',
      component: 'kubelet',
      instance: 'n1',
      count: 3,
      coarse: true,
      container: 'init',
      type: 'Normal',
    });
    expect(e.t).to.equal(usAt(5)); // lastTimestamp: this occurrence
    expect(e.obs).to.equal(usAt(5.5));
    expect(e.regarding).to.include({ kind: 'Pod', name: 'p', uid: 'pu', namespace: 'default' });
  });

  it('takes the container from a kubelet fieldPath as the API writes it, else none', () => {
    // The rule, as the regular expression it was written as first (now read by hand).
    const rule = /^spec\.(?:initContainers|ephemeralContainers|containers)\{([^}]+)\}/;
    const paths = [
      'spec.containers{web}',
      'spec.initContainers{init-1}',
      'spec.ephemeralContainers{debugger}',
      'spec.containers{a}b}',
      'spec.containers{}',
      'spec.containers{web',
      'spec.containers',
      'spec.volumes{x}',
      'status.containers{web}',
      'xspec.containers{web}',
      'spec.containers{we{b}',
      '',
    ];
    for (const fieldPath of paths) {
      const e = norm(
        coreEvent({
          uid: 'a',
          on: { kind: 'Pod', name: 'p', fieldPath },
          reason: 'Pulled',
          message: 'm',
          component: 'kubelet',
          time: 5,
        }),
      );
      expect(e.container, fieldPath).to.equal(rule.exec(fieldPath)?.[1] ?? '');
    }
  });

  it('reads an events.k8s.io/v1 event: regarding, note, reportingController, eventTime, series', () => {
    const e = norm(
      newEvent({
        regarding: { kind: 'Pod', name: 'p' },
        related: { kind: 'Pod', name: 'q' },
        reason: 'FailedScheduling',
        note: 'n',
        controller: 'my-scheduler',
        instance: 'i',
        action: 'Scheduling',
        type: 'Warning',
        time: 1.25,
        series: { count: 4, last: 9.5 },
      }),
    );
    expect(e).to.include({
      message: 'n',
      component: 'my-scheduler',
      instance: 'i',
      action: 'Scheduling',
      count: 4,
      coarse: false,
      type: 'Warning',
    });
    expect(e.t).to.equal(usAt(9.5)); // series.lastObservedTime first
    expect(e.obs).to.equal(e.t); // no observedAt: the event's time stands for it
    expect(e.related).to.include({ kind: 'Pod', name: 'q' });
  });

  it('reads a core-written event through events.k8s.io (deprecated* fields)', () => {
    const e = norm(
      coreViaNewApi({
        on: { kind: 'ReplicaSet', name: 'rs' },
        reason: 'SuccessfulCreate',
        message: 'Created pod: x',
        component: 'replicaset-controller',
        time: 7,
        count: 2,
      }),
    );
    expect(e).to.include({
      component: 'replicaset-controller',
      message: 'Created pod: x',
      count: 2,
      coarse: true,
    });
    expect(e.t).to.equal(usAt(7));
  });

  it('reads an events.k8s.io-written event through core/v1 (reportingComponent, eventTime, no count)', () => {
    const w = coreEvent({
      on: { kind: 'Pod', name: 'p' },
      reason: 'Scheduled',
      message: 'm',
      component: 'default-scheduler',
      time: 3,
    });
    const o = w.object as Record<string, unknown>;
    o.source = {};
    o.reportingComponent = 'default-scheduler';
    o.eventTime = at(3.5);
    o.firstTimestamp = o.lastTimestamp = o.count = null;
    const e = norm(w);
    expect(e).to.include({ component: 'default-scheduler', count: 1, coarse: false });
    expect(e.t).to.equal(usAt(3.5));
  });

  it('returns a drop reason for unusable events', () => {
    const w = coreEvent({
      on: { kind: 'Pod', name: 'p' },
      reason: 'R',
      message: 'm',
      component: 'c',
      time: 1,
    });
    expect(
      normalizeEvent(
        { ...w.object, involvedObject: { name: 'x' } },
        undefined,
        new Interner(),
        MAX_SKEW_US,
      ),
    ).to.equal('no_involved_object');
    expect(
      normalizeEvent({ ...w.object, lastTimestamp: 42 }, undefined, new Interner(), MAX_SKEW_US),
    ).to.equal('bad_time');
    expect(
      normalizeEvent(
        { ...w.object, lastTimestamp: '2024-02-30 25:00' },
        undefined,
        new Interner(),
        MAX_SKEW_US,
      ),
    ).to.equal('bad_time');
    expect(normalizeEvent(w.object, 'later', new Interner(), MAX_SKEW_US)).to.equal('bad_time');
  });

  it('keeps MicroTime to the microsecond and truncates nanoseconds', () => {
    expect(parseTime('2021-05-19T09:42:58.640117041Z')).to.deep.equal({
      us: Date.parse('2021-05-19T09:42:58Z') * 1000 + 640117,
      coarse: false,
    });
    expect(parseTime('2021-05-19T09:42:58+02:00')).to.deep.equal({
      us: Date.parse('2021-05-19T07:42:58Z') * 1000,
      coarse: true,
    });
    expect(parseTime(undefined)).to.equal(undefined);
    expect(parseTime('2021-13-45')).to.equal(null);
  });
});
