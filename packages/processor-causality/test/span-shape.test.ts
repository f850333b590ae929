import { expect } from 'chai';
import { SpanKind } from '@opentelemetry/api';
import { coreEvent, obj } from '@kspan/testing';
import { replay } from './helpers/run.js';

// What exporters get is the ReadableSpan shape with plain data: attributes are plain objects (the
// processor sizes them through a constructor, attributes.ts); `duration` is computed when read and
// the fields every span shares are getters on the prototype (span.ts).
describe('the spans the processor builds: plain data', () => {
  const items = [
    obj('Deployment', 'web', { uid: 'd1', generation: 1 }),
    obj('ReplicaSet', 'web-1', {
      uid: 'r1',
      owner: { kind: 'Deployment', name: 'web', uid: 'd1' },
    }),
    obj('Pod', 'web-1-a', { uid: 'p1', owner: { kind: 'ReplicaSet', name: 'web-1', uid: 'r1' } }),
    coreEvent({
      on: { kind: 'Pod', name: 'web-1-a', uid: 'p1' },
      reason: 'Started',
      message: 'Started container web',
      component: 'kubelet',
      time: 10,
    }),
  ];

  it('attributes are plain objects holding only the attributes, in the order they were set', async () => {
    const spans = await replay(items);
    const span = spans.find((s) => s.name === 'Pod.Started')!;
    const a = span.attributes;
    expect(Object.getPrototypeOf(a)).to.equal(Object.prototype);
    expect(a.constructor).to.equal(Object);
    const keys = Object.keys(a);
    expect(keys.filter((k) => /^a\d+$/.test(k))).to.deep.equal([]);
    expect(keys.slice(0, 4)).to.deep.equal([
      'k8s.namespace.name',
      'k8s.deployment.name',
      'k8s.deployment.uid',
      'k8s.replicaset.name',
    ]);
    expect(keys.at(-1)).to.equal('kspan.parent.via');
    expect(JSON.parse(JSON.stringify(a))).to.deep.equal({ ...a });
  });

  it('fields the same for every span read as ReadableSpan has them', async () => {
    const spans = await replay(items);
    for (const s of spans) {
      expect(s.kind).to.equal(SpanKind.INTERNAL);
      expect(s.ended).to.equal(true);
      expect(s.instrumentationScope.name).to.equal('@kspan/processor-causality');
      expect([s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount]).to.deep.equal([
        0, 0, 0,
      ]);
    }
  });

  it('duration is end minus start (1 ns for an instant)', async () => {
    const spans = await replay(items);
    for (const s of spans) {
      const length = (s.endTime[0] - s.startTime[0]) * 1e9 + (s.endTime[1] - s.startTime[1]);
      expect(s.duration[0] * 1e9 + s.duration[1], s.name).to.equal(length);
    }
    expect(spans.some((s) => s.duration[0] === 0 && s.duration[1] === 1)).to.equal(true);
  });
});
