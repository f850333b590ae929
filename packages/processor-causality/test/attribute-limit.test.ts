import { expect } from 'chai';
import { MetricsRegistry } from '@kspan/core';
import { coreEvent } from '@kspan/testing';
import { replay } from './helpers/run.js';

const MB = 1024 * 1024;

describe('attribute value length limit on the spans the processor builds', () => {
  // A Warning with a 50 MB message (a replayed capture can hold one; the API server takes ~1.5 MiB)
  // among 21 ordinary events: its span keeps the first 8192 characters, in the attribute and in the
  // status, and the cut is counted.
  const items = Array.from({ length: 22 }, (_, i) =>
    coreEvent({
      on: { kind: 'Pod', name: `p${i}` },
      reason: i === 7 ? 'Failed' : 'Started',
      type: i === 7 ? 'Warning' : 'Normal',
      message: i === 7 ? 'x'.repeat(50 * MB) : `Started container c${i}`,
      component: 'kubelet',
      time: 1 + i,
    }),
  );

  it('cuts the huge message to the default limit and counts it; the other spans are untouched', async () => {
    const registry = new MetricsRegistry();
    const spans = await replay(items, {}, registry);
    const events = spans.filter((s) => s.attributes['k8s.event.reason'] !== undefined);
    expect(events).to.have.length(22);
    const big = events.find((s) => s.name === 'Pod.Failed')!;
    expect((big.attributes['k8s.event.message'] as string).length).to.equal(8192);
    expect(big.status.message).to.have.length(8192);
    const small = events.find((s) => s.attributes['k8s.pod.name'] === 'p3')!;
    expect(small.attributes['k8s.event.message']).to.equal('Started container c3');
    expect(await registry.value('span_values_truncated_total')).to.equal(2);
  });

  it('takes attribute_value_length_limit from the config', async () => {
    const spans = await replay(items.slice(7, 8), { attribute_value_length_limit: 100 });
    const big = spans.find((s) => s.name === 'Pod.Failed')!;
    expect(big.attributes['k8s.event.message']).to.equal('x'.repeat(100));
  });
});
