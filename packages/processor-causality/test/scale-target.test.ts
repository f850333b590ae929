import { join } from 'node:path';
import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { replay } from './helpers/run.js';
import { CORPUS_DIR, readCapture } from './real/corpus.js';

// The real `hpa` recording (test/real/hpa/NOTES.md): HPA web (min 3) rescaled Deployment web from 1
// to 3. Its event names, as recorded.
const RESCALE = 'web.18ec8d102cfbc628';
const STEP = 'web.18ec8d102d537271'; // "Scaled up replica set web-5c66486d6d from 1 to 3"
const WARNING = 'web.18ec8d13ab7f9acd'; // FailedGetResourceMetric, the next sync

const items = readCapture(join(CORPUS_DIR, 'hpa', 'capture.ndjson'));
const isHpa = (w: WatchEvent) => w.object.kind === 'HorizontalPodAutoscaler';

const byEvent = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const found = spans.filter((s) => s.attributes['k8s.event.name'] === name);
  expect(found, name).to.have.length(1);
  return found[0]!;
};
const traceOf = (s: ReadableSpan) => s.spanContext().traceId;
const rootOf = (spans: ReadableSpan[], s: ReadableSpan) =>
  spans.find((r) => traceOf(r) === traceOf(s) && !r.parentSpanContext);

describe("causality: an HPA's rescale and its target (scale_target)", () => {
  it('is the root of the trace of the generation it wrote: the step and its pods are under it', async () => {
    const spans = await replay(items);
    const rescale = byEvent(spans, RESCALE);
    const step = byEvent(spans, STEP);
    expect(rescale.parentSpanContext, 'the rescale is a root').to.equal(undefined);
    expect(step.parentSpanContext?.spanId).to.equal(rescale.spanContext().spanId);
    expect(rootOf(spans, step)).to.equal(rescale);
    // It names what it scaled, besides the HPA.
    expect(rescale.attributes).to.deep.include({
      'k8s.deployment.name': 'web',
      'k8s.hpa.name': 'web',
      'kspan.rule': 'hpa-rescale',
      'kspan.change.outcome': 'complete',
    });
    expect(rescale.resource.attributes['service.name']).to.equal('horizontal-pod-autoscaler');
    // The pods the step created are in that trace.
    const created = spans.filter((s) => s.attributes['k8s.event.reason'] === 'SuccessfulCreate');
    const inRescale = created.filter((s) => traceOf(s) === traceOf(rescale));
    expect(inRescale.map((s) => s.attributes['k8s.event.message']).sort()).to.deep.equal([
      'Created pod: web-5c66486d6d-c7m6h',
      'Created pod: web-5c66486d6d-p6pwh',
    ]);
    // The HPA's later warning is its own, not the rescale's.
    expect(traceOf(byEvent(spans, WARNING))).to.not.equal(traceOf(rescale));
  });

  it('says what it changed, as a synthesised root would: the generation, its writer and the spec diff', async () => {
    // Ground truth from the recording: the Deployment's items, their generation, spec and writer.
    const web = items.filter(
      (w) => w.object.kind === 'Deployment' && w.object.metadata?.name === 'web',
    );
    const replicasOf = (g: number) =>
      (web.find((w) => w.object.metadata?.generation === g)?.object.spec as { replicas?: number })
        ?.replicas;
    const [before, after] = [replicasOf(1), replicasOf(2)];
    expect([before, after], 'the recording: spec.replicas of generations 1 and 2').to.deep.equal([
      1, 3,
    ]);
    const gen2 = web.find((w) => w.object.metadata?.generation === 2)!.object.metadata!;
    const writer = gen2.managedFields!.find((m) => m.subresource === 'scale')!.manager;

    const rescale = byEvent(await replay(items), RESCALE);
    expect(rescale.attributes).to.deep.include({
      'kspan.generation': 2,
      'kspan.manager': writer,
      'kspan.change.diff': `spec.replicas: ${before} → ${after}`,
      'kspan.change.diff.count': 1,
    });
    expect(rescale.attributes['kspan.synthetic'], 'still the event’s span').to.equal(undefined);
    const diff = rescale.events.filter((e) => e.name === 'kspan.change.diff');
    expect(diff.map((e) => e.attributes)).to.deep.equal([
      { 'spec.replicas': `${before} → ${after}` },
    ]);
    // At the root's start, as on a synthesised root.
    expect(diff[0]!.time).to.deep.equal(rescale.startTime);
  });

  it('with the HPA watched metadata only (no scaleTargetRef), is no root: a span of the HPA', async () => {
    const metadataOnly = items.map((w) => {
      if (!isHpa(w)) return w;
      const { spec: _spec, status: _status, ...rest } = w.object;
      return { ...w, object: rest };
    });
    const spans = await replay(metadataOnly);
    const rescale = byEvent(spans, RESCALE);
    const step = byEvent(spans, STEP);
    expect(rescale.parentSpanContext, 'under the HPA’s own root').to.not.equal(undefined);
    expect(traceOf(rescale)).to.equal(traceOf(byEvent(spans, WARNING)));
    expect(traceOf(rescale)).to.not.equal(traceOf(step));
    // The step's change is rooted at the writer of generation 2, as without the rule.
    const root = rootOf(spans, step);
    expect(root?.name).to.equal('Deployment.Update');
    expect(root?.resource.attributes['service.name']).to.equal('kube-controller-manager');
  });

  it('takes the newest spec: a target no object has is a change of its own, not web’s', async () => {
    const retarget = (first: string, later: string) =>
      items.map((w) => {
        if (!isHpa(w)) return w;
        const name = w.type === 'ADDED' ? first : later;
        const spec = { ...(w.object.spec as object), scaleTargetRef: { kind: 'Deployment', name } };
        return { ...w, object: { ...w.object, spec } };
      });
    // Created for "other", changed to "web" before the rescale: web's change.
    let spans = await replay(retarget('other', 'web'));
    expect(traceOf(byEvent(spans, RESCALE))).to.equal(traceOf(byEvent(spans, STEP)));
    // Pointing at "other" throughout (no such object): the rescale is the root of its own trace.
    spans = await replay(retarget('other', 'other'));
    expect(traceOf(byEvent(spans, RESCALE))).to.not.equal(traceOf(byEvent(spans, STEP)));
    expect(byEvent(spans, RESCALE).parentSpanContext).to.equal(undefined);
  });
});
