import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { WatchEvent } from '@kspan/core';
import { causality } from '../src/index.js';
import { conformanceCases } from './helpers/conformance.js';

describe('embedding without the service', () => {
  it('events$.pipe(causality(options)) works with the default context (wall clock)', async () => {
    const items: WatchEvent[] = conformanceCases().find((c) => c.name === 'scaledown-later')!.items;
    const events$ = from(items);
    const spans = await lastValueFrom(events$.pipe(causality({ window: '5s' }), toArray()));
    expect(spans).to.have.length(10);
    expect(spans.every((s) => s.ended && s.resource.attributes['service.name'])).to.equal(true);
  });

  it('service_name fixes service.name; the component stays in an attribute', async () => {
    const items: WatchEvent[] = conformanceCases().find((c) => c.name === 'scaledown-later')!.items;
    const spans = await lastValueFrom(
      from(items).pipe(causality({ service_name: 'kubernetes' }), toArray()),
    );
    expect(new Set(spans.map((s) => s.resource.attributes['service.name']))).to.deep.equal(
      new Set(['kubernetes']),
    );
    expect(
      spans.find((s) => s.name === 'Pod.Killing')!.attributes['k8s.event.reporting_component'],
    ).to.equal('kubelet');
  });
});
