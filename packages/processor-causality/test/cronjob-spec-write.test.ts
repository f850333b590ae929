import { join } from 'node:path';
import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KubeObject } from '@kspan/core';
import { replay } from './helpers/run.js';
import { readCapture } from './real/corpus.js';

// Issue 11, "what changed" for a CronJob. A CronJob's spec write makes no Event (its next run is a
// trace of its own), so the write is a change of its own: a root `<writer> CronJob.Update` at the
// write's time carrying `kspan.change.diff`. On a real recording (test/real/cronjob-spec-change,
// the e2e cluster: create, `kubectl set image`, `kubectl patch` of the schedule, a manual run); the
// expected values are read from the recorded objects, never from kspan's output.

const file = join(import.meta.dirname, 'real', 'cronjob-spec-change', 'capture.ndjson');
const items = readCapture(file);

type Obj = Record<string, unknown>;
const cronJobs = items.filter((w) => w.object.kind === 'CronJob');
const generation = (o: KubeObject) => o.metadata?.generation ?? 0;
/** The first item of each generation of the CronJob. */
const firstOf = (g: number) => cronJobs.find((w) => generation(w.object) === g)!.object;
const jobTemplateImage = (o: KubeObject) => {
  const spec = (o as Obj).spec as Obj;
  const job = (spec.jobTemplate as Obj).spec as Obj;
  const containers = ((job.template as Obj).spec as Obj).containers as Obj[];
  return { name: containers[0]!.name as string, image: containers[0]!.image as string };
};
const schedule = (o: KubeObject) => ((o as Obj).spec as Obj).schedule as string;
/** The newest writer of spec in managedFields: who wrote the generation, and when (ms). */
const writer = (o: KubeObject) => {
  const spec = (o.metadata?.managedFields ?? []).filter(
    (f) => f.fieldsV1 && 'f:spec' in (f.fieldsV1 as Obj),
  );
  const newest = spec.sort((a, b) => Date.parse(a.time!) - Date.parse(b.time!)).at(-1)!;
  return { manager: newest.manager!, ms: Date.parse(newest.time!) };
};
const hrMs = (h: [number, number]) => h[0] * 1000 + h[1] / 1e6;

const specWrites = (spans: ReadableSpan[]) =>
  spans
    .filter((s) => s.name === 'CronJob.Update' && s.attributes['kspan.synthetic'] === true)
    .sort(
      (a, b) => Number(a.attributes['kspan.generation']) - Number(b.attributes['kspan.generation']),
    );

describe('a CronJob’s spec write is a trace of its own, with what changed (real recording)', () => {
  it('the recording has what the test needs: generations 1-3, a new image, then a new schedule', () => {
    expect(cronJobs.map((w) => generation(w.object))).to.include.members([1, 2, 3]);
    expect(jobTemplateImage(firstOf(1)).image).to.not.equal(jobTemplateImage(firstOf(2)).image);
    expect(schedule(firstOf(2))).to.not.equal(schedule(firstOf(3)));
  });

  it('generation 2 (set image) and 3 (patch schedule): one root each, its writer, its time, its diff', async () => {
    const spans = await replay(items);
    const roots = specWrites(spans);
    expect(roots.map((s) => s.attributes['kspan.generation'])).to.deep.equal([2, 3]);
    const [image, sched] = roots as [ReadableSpan, ReadableSpan];
    const before = jobTemplateImage(firstOf(1));
    const after = jobTemplateImage(firstOf(2));
    expect(image.attributes['kspan.change.diff']).to.equal(
      `spec.jobTemplate.spec.template.spec.containers[${before.name}].image: ${before.image} → ${after.image}`,
    );
    expect(sched.attributes['kspan.change.diff']).to.equal(
      `spec.schedule: ${schedule(firstOf(2))} → ${schedule(firstOf(3))}`,
    );
    for (const [root, g] of [
      [image, 2],
      [sched, 3],
    ] as const) {
      const w = writer(firstOf(g));
      expect(root.resource.attributes['service.name']).to.equal(w.manager);
      // an instant at the write (managedFields time, whole seconds)
      expect(hrMs(root.startTime)).to.equal(w.ms);
      expect(hrMs(root.endTime)).to.equal(w.ms);
      expect(root.parentSpanContext?.spanId ?? '').to.equal('');
      // nothing else in its trace: the run started later is a trace of its own
      expect(
        spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId),
      ).to.have.length(1);
    }
    // the manual run is still its own trace, rooted at the Job
    const runRoot = spans.find((s) => s.name === 'Job.Update' && !s.parentSpanContext?.spanId);
    expect(runRoot, 'the run’s root').to.not.equal(undefined);
  });

  it('a restart’s relist (the current generation alone) makes no second copy', async () => {
    // what a process started after the writes sees: the CronJob's latest item, and the rest
    const latest = cronJobs.at(-1)!;
    const relist = [
      { ...latest, type: 'ADDED' as const },
      ...items.filter((w) => w.object.kind !== 'CronJob'),
    ];
    expect(specWrites(await replay(relist))).to.deep.equal([]);
  });

  it('diff.kinds without CronJob: no spec-write trace', async () => {
    const spans = await replay(items, { diff: { kinds: ['Deployment'] } });
    expect(specWrites(spans)).to.deep.equal([]);
  });
});
