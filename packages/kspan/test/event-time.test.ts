import { expect } from 'chai';
import { from, lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { schedulerClock, type KubeObject, type WatchEvent } from '@kspan/core';
import { eventTimeOf, observedTimeOf, toCoreEvent } from '@kspan/receiver-k8s-events';
import { causality } from '@kspan/processor-causality';

// An events.k8s.io/v1 series: the recorder created it at eventTime, the legacy fields still show
// an older occurrence, and series.lastObservedTime is the latest one (the 3rd).
const EVENT_TIME = '2024-03-01T10:00:00.000000Z';
const DEPRECATED_LAST = '2024-03-01T10:00:20Z';
const LAST_OBSERVED = '2024-03-01T10:04:30.250000Z';

const series: KubeObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: {
    name: 'web-1.17f',
    namespace: 'default',
    uid: 'ev-series-1',
    creationTimestamp: '2024-03-01T10:00:00Z',
  },
  regarding: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'pod-1' },
  reason: 'BackOff',
  note: 'Back-off restarting failed container app',
  type: 'Warning',
  eventTime: EVENT_TIME,
  deprecatedLastTimestamp: DEPRECATED_LAST,
  deprecatedFirstTimestamp: EVENT_TIME,
  deprecatedCount: 2,
  series: { count: 3, lastObservedTime: LAST_OBSERVED },
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
};

async function spanStartUs(object: KubeObject): Promise<number> {
  const item: WatchEvent = { type: 'MODIFIED', object };
  const spans = await lastValueFrom(
    from([item]).pipe(
      causality({}, { clock: schedulerClock(new VirtualTimeScheduler()) }),
      toArray(),
    ),
  );
  const span = spans.find((s) => s.attributes['k8s.event.reason'] === 'BackOff');
  if (!span) throw new Error('no span for the event');
  return span.startTime[0] * 1e6 + span.startTime[1] / 1000;
}

describe("an Event's time: one rule for the receiver and the processor", () => {
  it('an events.k8s.io series: max_age, replay pacing and the span all use series.lastObservedTime', async () => {
    const expectedMs = Date.parse(LAST_OBSERVED);
    const asCore = toCoreEvent(series); // what k8s_events emits
    // The receiver: max_age filtering and the last-event-age metric read eventTimeOf; replay
    // pacing reads observedTimeOf when a line has no observedAt.
    expect(eventTimeOf(series)).to.equal(expectedMs);
    expect(eventTimeOf(asCore)).to.equal(expectedMs);
    expect(observedTimeOf({ type: 'MODIFIED', object: asCore })).to.equal(expectedMs);
    // The processor: the span of the occurrence starts at the same instant, read either way.
    expect(await spanStartUs(asCore)).to.equal(expectedMs * 1000);
    expect(await spanStartUs(series)).to.equal(expectedMs * 1000);
  });

  it('a core/v1 Event without a series: both take lastTimestamp', async () => {
    const plain = toCoreEvent({ ...series, series: undefined } as KubeObject);
    delete (plain as { series?: unknown }).series;
    expect(eventTimeOf(plain)).to.equal(Date.parse(DEPRECATED_LAST));
    expect(await spanStartUs(plain)).to.equal(Date.parse(DEPRECATED_LAST) * 1000);
  });
});
