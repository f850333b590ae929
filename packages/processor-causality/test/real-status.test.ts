import { join } from 'node:path';
import { expect } from 'chai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KubeObject } from '@kspan/core';
import { replay } from './helpers/run.js';
import { readCapture } from './real/corpus.js';
import { renderTree } from './helpers/tree.js';

// Issue 11 on a real recording with status objects (test/real/status, recorded by h16-status on
// the e2e cluster: Deployment create, image change, scale). The expected times are read from the
// recorded objects — managedFields, conditions — never from kspan's output.

const file = join(import.meta.dirname, 'real', 'status', 'deployment-rollout-status.ndjson');
const items = readCapture(file);

type Obj = Record<string, unknown>;
const ms = (t: unknown) => Date.parse(t as string);
const hrMs = (h: [number, number]) => h[0] * 1000 + h[1] / 1e6;
const conditions = (o: KubeObject) =>
  (((o as Obj).status as Obj | undefined)?.conditions ?? []) as Obj[];

/**
 * Per generation: when its writer wrote it (managedFields), from the first item of that generation.
 * A write through the scale subresource (`kubectl scale`) has no time in managedFields: when no
 * timed writer is newer than the previous generation's, the change was written in the second the
 * first item of the generation was seen.
 */
function specWrites(): Map<number, number> {
  const out = new Map<number, number>();
  let previous = -Infinity;
  for (const w of items) {
    const o = w.object;
    if (o.kind !== 'Deployment') continue;
    const g = o.metadata!.generation as number;
    if (out.has(g)) continue;
    const times = (o.metadata!.managedFields ?? [])
      .filter((f) => f.fieldsV1 && 'f:spec' in f.fieldsV1 && f.time)
      .map((f) => ms(f.time));
    const timed = Math.max(...times);
    const write = timed > previous ? timed : Math.floor(ms(w.observedAt) / 1000) * 1000;
    out.set(g, write);
    previous = write;
  }
  return out;
}

/**
 * Per generation: the first Deployment item whose status says that generation is done
 * (observedGeneration, Progressing/NewReplicaSetAvailable, all replicas updated and available):
 * its Progressing lastUpdateTime.
 */
function doneTimes(): Map<number, number> {
  const out = new Map<number, number>();
  for (const w of items) {
    const o = w.object;
    if (o.kind !== 'Deployment') continue;
    const st = ((o as Obj).status ?? {}) as Obj;
    const g = st.observedGeneration as number;
    const want = ((o as Obj).spec as Obj).replicas as number;
    const p = conditions(o).find((c) => c.type === 'Progressing');
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    if (
      !out.has(g) &&
      p?.reason === 'NewReplicaSetAvailable' &&
      n(st.updatedReplicas) === want &&
      n(st.availableReplicas) === want &&
      n(st.replicas) === want
    )
      out.set(g, ms(p.lastUpdateTime));
  }
  return out;
}

/** Each pod's Ready lastTransitionTime, from its last object in the capture. */
function readyTimes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of items) {
    if (w.object.kind !== 'Pod') continue;
    const ready = conditions(w.object).find((c) => c.type === 'Ready' && c.status === 'True');
    if (ready) out.set(w.object.metadata!.name as string, ms(ready.lastTransitionTime));
  }
  return out;
}

describe('story on a real recording with status (test/real/status)', () => {
  let spans: ReadableSpan[];
  before(async () => {
    spans = await replay(items);
  });

  it('each generation’s root starts at its spec write and ends when the Deployment said it was done (± 1 s), outcome complete', () => {
    const writes = specWrites();
    const done = doneTimes();
    const roots = spans
      .filter((s) => s.name === 'Deployment.Update')
      .sort((a, b) => hrMs(a.startTime) - hrMs(b.startTime));
    expect(roots.map((r) => r.attributes['kspan.generation'])).to.deep.equal([1, 2, 3]);
    for (const r of roots) {
      const g = r.attributes['kspan.generation'] as number;
      const where = `generation ${g}\n${renderTree(spans)}`;
      expect(hrMs(r.startTime), where).to.equal(writes.get(g));
      expect(r.attributes['kspan.change.outcome'], where).to.equal('complete');
      expect(r.status.code).to.equal(SpanStatusCode.UNSET);
      // Generation 3 (a scale) did not move Progressing (its lastUpdateTime predates the write):
      // it ended when its new pod was Ready.
      const end = done.has(g) && done.get(g)! >= writes.get(g)! ? done.get(g)! : undefined;
      const truth = end ?? readyTimes().get('web-7bccc49579-ttj7d')!;
      expect(Math.abs(hrMs(r.endTime) - truth), where).to.be.below(1000);
    }
    expect(doneTimes().get(3)! < specWrites().get(3)!, 'the recording is as described').to.equal(
      true,
    );
  });

  it("each pod's creating span ends at its Ready time (± 1 s: the condition has whole seconds)", () => {
    const ready = readyTimes();
    expect(ready.size).to.equal(5);
    for (const [pod, t] of ready) {
      const created = spans.find(
        (s) =>
          s.name === 'ReplicaSet.SuccessfulCreate' &&
          s.attributes['k8s.event.message'] === `Created pod: ${pod}`,
      );
      expect(created, pod).to.not.equal(undefined);
      const end = hrMs(created!.endTime);
      expect(end - t, pod).to.be.within(0, 999);
      expect(created!.events.map((e) => e.name)).to.include('Ready');
    }
  });
});
