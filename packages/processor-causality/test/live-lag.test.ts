// The processor as `kspan run` drives it — a pipeline clock that runs on after the last item, ticks,
// items stamped when they arrive — fed a recording of the e2e suite-diff StatefulSet test (`db`, 2
// replicas, `kubectl set image` → generation 2; test/live/statefulset-roll.ndjson) with the Event
// watch lagging behind the object watches. CI once saw no root of generation 2 at all: a modelled
// deletion (deletions.ts) was decided before the controller's `delete Pod` event arrived, so the
// roll's events went under `Pod.Delete` roots and none reached the StatefulSet's change.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { schedulerClock, standaloneContext, type WatchEvent } from '@kspan/core';
import { causalityProcessor, withDefaults } from '../src/index.js';
import { errorKeepingLogger } from './helpers/run.js';

const CAPTURE = fileURLToPath(new URL('./live/statefulset-roll.ndjson', import.meta.url));
const items: WatchEvent[] = readFileSync(CAPTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as WatchEvent);
const obsMs = (w: WatchEvent) => Date.parse(w.observedAt!);

interface Arrival {
  w: WatchEvent;
  atMs: number;
}

/**
 * Runs the processor on a virtual clock: each item is pushed at `atMs` stamped `observedAt` then (as
 * the receiver stamps it), and the clock runs on `afterMs` past the last one. Returns each span with
 * the clock's time when it came out; an internal error fails the run.
 */
function live(arrivals: Arrival[], afterMs = 60_000) {
  const scheduler = new VirtualTimeScheduler(undefined, Infinity);
  const { logger, errors } = errorKeepingLogger();
  const ctx = standaloneContext({ id: 'causality', logger, clock: schedulerClock(scheduler) });
  const base = Math.min(...arrivals.map((a) => a.atMs));
  const input = new Subject<WatchEvent>();
  const out: Array<{ span: ReadableSpan; atMs: number }> = [];
  input
    .pipe(causalityProcessor.create(withDefaults({ window: '2s' }), ctx))
    .subscribe((span) => out.push({ span, atMs: base + scheduler.now() }));
  let last = 0;
  for (const a of [...arrivals].sort((x, y) => x.atMs - y.atMs)) {
    last = Math.max(last, a.atMs - base);
    const item = { ...a.w, observedAt: new Date(a.atMs).toISOString() };
    scheduler.schedule(() => input.next(item), a.atMs - base);
  }
  scheduler.schedule(() => {}, last + afterMs);
  scheduler.flush();
  expect(errors, 'internal errors').to.deep.equal([]);
  return { out, lastMs: base + last };
}

/** The Event watch holds back everything from the roll's first `delete Pod` on by `lagMs`. */
function eventsStalledAtRoll(lagMs: number): Arrival[] {
  const from = items.findIndex(
    (w) => (w.object as { reason?: string }).reason === 'SuccessfulDelete',
  );
  const until = obsMs(items[from]!) + lagMs;
  // Per watch the order stays: every held Event comes at `until` at the earliest, in its order.
  return items.map((w, i) => ({
    w,
    atMs: w.object.kind === 'Event' && i >= from ? Math.max(obsMs(w), until) : obsMs(w),
  }));
}

const attrs = (s: ReadableSpan) => s.attributes;

/** The StatefulSet's generation-2 root, checked complete with the image change and timely. */
function expectImageRoot(out: Array<{ span: ReadableSpan; atMs: number }>, lastMs: number) {
  const roots = out.filter(
    ({ span }) =>
      attrs(span)['kspan.synthetic'] === true && attrs(span)['k8s.statefulset.name'] === 'db',
  );
  const g2 = roots.find(({ span }) => attrs(span)['kspan.generation'] === 2);
  expect(
    g2 && {
      outcome: attrs(g2.span)['kspan.change.outcome'],
      diff: attrs(g2.span)['kspan.change.diff'],
    },
    `roots: ${roots.map(({ span }) => `${span.name} gen ${String(attrs(span)['kspan.generation'])}`).join(', ')}`,
  ).to.deep.equal({
    outcome: 'complete',
    diff: 'spec.template.spec.containers[app].image: registry.local/app:1 → registry.local/app:2',
  });
  // Out once the change was quiet for root_idle (15 s), not at max_root_delay (10 min).
  expect((g2!.atMs - lastMs) / 1000, 's after the last item').to.be.within(0, 20);
}

const userDeletions = (out: Array<{ span: ReadableSpan }>) =>
  out.filter(({ span }) => span.name === 'Pod.Delete').length;

describe('live: a StatefulSet roll whose Events lag behind its pods (CI: no root of generation 2)', () => {
  for (const lagMs of [0, 300, 600, 1000, 1500, 1900])
    it(`Events ${lagMs} ms late: the generation-2 root goes out complete with the image change, and no pod deletion is taken for a user's`, () => {
      const { out, lastMs } = live(eventsStalledAtRoll(lagMs));
      expectImageRoot(out, lastMs);
      // The controller deleted the pods (its `delete Pod db-N` events say so): no user's deletion.
      expect(userDeletions(out)).to.equal(0);
    });

  for (const lagMs of [2500, 4000])
    it(`Events ${lagMs} ms late (past the window): the pods' deletions were taken for users', yet the controller's \`delete Pod\` is not their effect: the generation-2 root still goes out`, () => {
      const { out, lastMs } = live(eventsStalledAtRoll(lagMs));
      // The documented limit: a cause later than the window is not waited for.
      expect(userDeletions(out)).to.be.at.least(1);
      expectImageRoot(out, lastMs);
    });
});
