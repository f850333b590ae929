import { expect } from 'chai';
import { changeTraceId, eventSpanId, parseTraceparent, rootSpanId } from '../src/index.js';
import { conformanceCases } from './helpers/conformance.js';
import { coreEvent, obj, uidOf } from '@kspan/testing';
import { replay } from './helpers/run.js';

const idsOf = (spans: Awaited<ReturnType<typeof replay>>) =>
  spans
    .map(
      (s) =>
        `${s.spanContext().traceId}/${s.spanContext().spanId}<-${s.parentSpanContext?.spanId ?? ''}`,
    )
    .sort();

describe('deterministic ids', () => {
  // Values made by the hash as first written (the id input built as one string, then hashed):
  // ids must never change, or a restarted kspan and old captures would make other ids.
  it('ids are the same values as ever (golden)', () => {
    const uid = 'ee3767ba-caae-4d37-a7d5-4e0975d0d327';
    expect(eventSpanId(uid, 1)).to.equal('6e30bcf0a464da01');
    expect(eventSpanId(uid, 12345)).to.equal('2880dbc57fd3b61c');
    expect(eventSpanId('default/ünïcode-事件', 2)).to.equal('55fb079f761adb09');
    expect(eventSpanId('x', 0)).to.equal('e199f3e79e624370');
    expect(eventSpanId('x', 1.5)).to.equal('197d42e6e502c451');
    expect(eventSpanId('x', -3)).to.equal('d20d6d964f26174c');
    expect(eventSpanId('', 1e21)).to.equal('49d703eb49323b29');
    const key = '71c42017-61a7-418e-8e2c-897cf237d6e3/3';
    expect(changeTraceId(key)).to.equal('d070d8e1897b2507389e36f8bdea856e');
    expect(changeTraceId(key, 'cluster-uid-1')).to.equal('573b47aaefacb653b23a91668b1ba8c1');
    expect(rootSpanId(key)).to.equal('6848c426e7891f31');
    expect(changeTraceId('a/run/Job/j@17')).to.equal('324e82973911d14fb3f494d81c3dce6f');
    expect(rootSpanId('a/run/Job/j@17')).to.equal('926db49b0b4c9e4d');
    expect(changeTraceId('', 'cluster-uid-1')).to.equal('aa7bf4ad54f41124222125dd9a15cb60');
  });

  const c = conformanceCases().find((x) => x.name === 'deployment-2-pods')!;

  it('a restart or a second replica makes the same ids from the same input', async () => {
    expect(idsOf(await replay(c.items))).to.deep.equal(idsOf(await replay(c.items)));
  });

  it('span ids come from the event uid and occurrence; the trace from the top object uid and generation', async () => {
    const spans = await replay(c.items);
    const pulled = spans.find(
      (s) => s.attributes['k8s.event.uid'] === 'ee3767ba-caae-4d37-a7d5-4e0975d0d327',
    )!;
    expect(pulled.spanContext().spanId).to.equal(
      eventSpanId('ee3767ba-caae-4d37-a7d5-4e0975d0d327', 1),
    );
    const key = '71c42017-61a7-418e-8e2c-897cf237d6e3/3'; // Deployment px, generation 3
    expect(pulled.spanContext().traceId).to.equal(changeTraceId(key));
    const root = spans.find((s) => !s.parentSpanContext)!;
    expect(root.spanContext().spanId).to.equal(rootSpanId(key));
    expect(root.spanContext().traceId).to.match(/^[0-9a-f]{32}$/);
    expect(root.spanContext().spanId).to.match(/^[0-9a-f]{16}$/);
  });

  it('a re-listed stream (ADDED again, same counts) makes no new spans', async () => {
    const events = c.items.filter((i) => i.object.kind === 'Event');
    const once = await replay(c.items);
    const twice = await replay([...c.items, ...events]);
    expect(idsOf(twice)).to.deep.equal(idsOf(once));
  });

  it('a new generation of the top object is a new trace', async () => {
    const d = obj('Deployment', 'api', {
      generation: 1,
      specWriter: { manager: 'kubectl', at: 0 },
      observedAt: 0,
    });
    const d2 = obj('Deployment', 'api', {
      uid: uidOf(d),
      generation: 2,
      specWriter: { manager: 'kubectl', at: 100 },
      observedAt: 100,
      type: 'MODIFIED',
    });
    const scale = (time: number, rs: string) =>
      coreEvent({
        on: { kind: 'Deployment', name: 'api', uid: uidOf(d) },
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${rs} to 1`,
        component: 'deployment-controller',
        time,
        observedAt: time,
      });
    const spans = await replay([d, scale(0, 'api-6b7c8d9f5'), d2, scale(100, 'api-7c8d9f5b6')]);
    const traces = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traces.size).to.equal(2);
    expect(traces)
      .to.include(changeTraceId(`${uidOf(d)}/1`))
      .and.to.include(changeTraceId(`${uidOf(d)}/2`));
  });

  it('activity long after a change (same generation) starts a new trace, not an hour-long one', async () => {
    const d = obj('Deployment', 'api', {
      generation: 1,
      specWriter: { manager: 'kubectl', at: 0 },
    });
    const ev = (time: number, i: number) =>
      coreEvent({
        on: { kind: 'ReplicaSet', name: 'api-6b7c8d9f5' },
        reason: 'SuccessfulCreate',
        message: `Created pod: api-6b7c8d9f5-p${i}`,
        component: 'replicaset-controller',
        time,
        observedAt: time,
      });
    const spans = await replay([d, ev(1, 1), ev(3600, 2)]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).to.equal(2);
    expect(spans.filter((s) => s.name === 'Deployment.Update')).to.have.length(2);
  });

  it('parses W3C traceparent values', () => {
    expect(
      parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    ).to.deep.equal({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(parseTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).to.equal(
      undefined,
    );
    expect(parseTraceparent('ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).to.equal(
      undefined,
    );
    expect(parseTraceparent('nonsense')).to.equal(undefined);
  });
});
