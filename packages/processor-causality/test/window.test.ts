import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { schedulerClock, type WatchEvent } from '@kspan/core';
import { causality } from '../src/index.js';
import { coreEvent, obj, uidOf } from '@kspan/testing';

/**
 * Live mode on a virtual clock: items arrive at virtual times (observedAt = arrival, as a live
 * receiver stamps them) and spans go out on the processor's own ticks.
 */
function live(window = '5s') {
  const scheduler = new VirtualTimeScheduler();
  const input = new Subject<WatchEvent>();
  const out: { span: ReadableSpan; at: number }[] = [];
  input
    .pipe(causality({ window }, { clock: schedulerClock(scheduler) }))
    .subscribe((span) => out.push({ span, at: scheduler.now() }));
  return {
    out,
    /** Delivers `item` at virtual second `sec`. */
    at(sec: number, item: WatchEvent) {
      scheduler.schedule(() => input.next(item), sec * 1000);
    },
    end(sec: number) {
      scheduler.schedule(() => input.complete(), sec * 1000);
    },
    run() {
      scheduler.flush();
    },
    when: (name: string) => out.find((o) => o.span.name === name)!,
  };
}

const d = obj('Deployment', 'app', { generation: 2, specWriter: { manager: 'kubectl', at: 0 } });
/** The scale-up, happened at `time`, seen at `seen` (a delayed delivery when seen > time). */
const scaled = (seen: number, time = seen) =>
  coreEvent({
    on: { kind: 'Deployment', name: 'app', uid: uidOf(d) },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set app-5c6d7f8b9 to 1',
    component: 'deployment-controller',
    time,
    observedAt: seen,
  });
const created = (sec: number) =>
  coreEvent({
    on: { kind: 'ReplicaSet', name: 'app-5c6d7f8b9' },
    reason: 'SuccessfulCreate',
    message: 'Created pod: app-5c6d7f8b9-k2m4n',
    component: 'replicaset-controller',
    time: sec,
    observedAt: sec,
  });

describe('window: live emission on the pipeline clock', () => {
  it('emits each span when its window closes (not when the trace goes idle), and waits for a late parent', async () => {
    const l = live('5s');
    l.at(0, d);
    l.at(0, created(0)); // the child first…
    l.at(2, scaled(2, 0)); // …its cause (same second) delivered 2 s later, within the window
    l.end(120);
    l.run();
    const child = l.when('ReplicaSet.SuccessfulCreate');
    const parent = l.when('Deployment.ScalingReplicaSet');
    expect(child.span.parentSpanContext?.spanId).to.equal(parent.span.spanContext().spanId);
    expect(child.at).to.be.within(5000, 5600);
    expect(parent.at).to.be.within(7000, 7600);
    // The synthesised root goes out once the change was quiet for root_idle (15 s), well before the end.
    expect(l.when('Deployment.Update').at).to.be.within(20_000, 23_000);
  });

  it('a cause arriving after the window is too late: the event is attached by owner chain', async () => {
    const l = live('5s');
    l.at(0, d);
    l.at(
      0,
      obj('ReplicaSet', 'app-5c6d7f8b9', {
        owner: { kind: 'Deployment', name: 'app', uid: uidOf(d) },
      }),
    );
    l.at(0, created(0));
    l.at(7, scaled(7, 0)); // the cause happened first, but was seen after the window closed
    l.end(60);
    l.run();
    const child = l.when('ReplicaSet.SuccessfulCreate');
    expect(child.at).to.be.within(5000, 5600);
    expect(child.span.attributes['kspan.parent.via']).to.equal('root');
    expect(child.span.parentSpanContext?.spanId).to.equal(
      l.when('Deployment.Update').span.spanContext().spanId,
    );
  });

  it('the end of input resolves and flushes everything held at once', async () => {
    const l = live('5s');
    l.at(0, d);
    l.at(0, created(0));
    l.at(1, scaled(1, 0));
    l.end(2);
    l.run();
    expect(l.out.map((o) => o.at)).to.deep.equal([2000, 2000, 2000]);
    expect(l.when('ReplicaSet.SuccessfulCreate').span.parentSpanContext?.spanId).to.equal(
      l.when('Deployment.ScalingReplicaSet').span.spanContext().spanId,
    );
  });

  it('a window of 0 emits on arrival', async () => {
    const l = live('0s');
    l.at(0, d);
    l.at(1, scaled(1));
    l.at(2, created(2));
    l.end(30);
    l.run();
    expect(l.when('Deployment.ScalingReplicaSet').at).to.be.within(1000, 1100);
    expect(l.when('ReplicaSet.SuccessfulCreate').at).to.be.within(2000, 2100);
  });

  it('stops ticking once nothing is held (a virtual clock can run dry)', async () => {
    const l = live('5s');
    l.at(0, d);
    l.at(0, scaled(0));
    l.run(); // never completes the input: flush() returns only if the tick stopped re-arming
    expect(l.out.map((o) => o.span.name).sort()).to.deep.equal([
      'Deployment.ScalingReplicaSet',
      'Deployment.Update',
    ]);
  });
});
