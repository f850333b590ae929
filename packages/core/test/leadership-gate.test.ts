import { expect } from 'chai';
import { BehaviorSubject, Subject, VirtualTimeScheduler } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExportWatermark, Leadership } from '../src/component.js';
import { schedulerClock } from '../src/clock.js';
import { silentLogger } from '../src/logger.js';
import { MetricsRegistry } from '../src/telemetry/metrics.js';
import { LeadershipGate } from '../src/pipeline/leadership-gate.js';

/** Just what the gate reads of a span: its id and end time (by default, now: a live event). */
const span = (id: string, endMs = Date.now() + 3_600_000) =>
  ({
    spanContext: () => ({ spanId: id }),
    endTime: [Math.floor(endMs / 1000), (endMs % 1000) * 1e6],
  }) as unknown as ReadableSpan;

function setup(takenOver?: ExportWatermark) {
  const scheduler = new VirtualTimeScheduler();
  // virtual time starts at 0: the replica started then, events are after it unless said otherwise
  const clock = schedulerClock(scheduler);
  const leading = new BehaviorSubject(false);
  const recorded: ExportWatermark[] = [];
  const leadership: Leadership = {
    leading$: leading,
    takenOverWatermark: () => takenOver,
    recordWatermark: (w) => recorded.push(w),
    retainMs: 60_000,
    skewMs: 2_000,
  };
  const registry = new MetricsRegistry();
  const gate = new LeadershipGate(leadership, clock, silentLogger, registry.metricsFor('elector'));
  gate.addExporter('otlp');
  const input = new Subject<ReadableSpan>();
  const out: string[] = [];
  input.pipe(gate.operator()).subscribe((s) => out.push(s.spanContext().spanId));
  /** Emits span `id` at virtual time `at` ms. */
  const emitAt = (id: string, at: number, endMs = at) => {
    scheduler.schedule(() => input.next(span(id, endMs)), at - scheduler.now());
    scheduler.flush();
  };
  return { scheduler, leading, recorded, registry, gate, emitAt, out };
}

describe('LeadershipGate', () => {
  it('a standby exports nothing and keeps what it would have exported', async () => {
    const t = setup();
    t.emitAt('a', 1000);
    t.emitAt('b', 2000);
    expect(t.out).to.deep.equal([]);
    expect(await t.registry.value('standby_retained_spans')).to.equal(2);
  });

  it('on takeover re-emits only what came after the watermark, skipping ids the old leader exported', async () => {
    // the old leader exported everything emitted up to 10 s, and within 2 s before that: c, d
    const t = setup({ emittedAt: 10_000, recent: ['c', 'd'] });
    t.emitAt('a', 5_000); // before the skew margin: the old leader exported it
    t.emitAt('c', 8_500); // in the margin, exported (listed)
    t.emitAt('d', 10_000); // exported (listed)
    t.emitAt('e', 9_000); // in the margin, not listed: the old leader had not exported it
    t.emitAt('f', 12_000); // after the watermark
    t.leading.next(true);
    expect(t.out).to.deep.equal(['e', 'f']);
    // a listed id emitted again later (a root span the old leader flushed early) is skipped too
    t.emitAt('c', 20_000);
    t.emitAt('g', 21_000);
    expect(t.out).to.deep.equal(['e', 'f', 'g']);
    expect(await t.registry.value('takeover_reemitted_spans_total')).to.equal(2);
    expect(await t.registry.value('takeover_skipped_spans_total')).to.equal(3);
  });

  it('with no watermark in the Lease, a new leader re-emits everything it retained', () => {
    const t = setup(undefined);
    t.emitAt('a', 1000);
    t.leading.next(true);
    t.emitAt('b', 2000);
    expect(t.out).to.deep.equal(['a', 'b']);
  });

  it('the leader records a watermark once every exporter acknowledged, with the ids of the skew margin', () => {
    const t = setup(undefined);
    t.gate.addExporter('zipkin');
    t.leading.next(true);
    t.emitAt('a', 1_000);
    t.emitAt('b', 5_000);
    t.emitAt('c', 6_000);
    t.gate.acknowledge('otlp', 3);
    expect(t.recorded, 'zipkin has not acknowledged yet').to.deep.equal([]);
    t.gate.acknowledge('zipkin', 2);
    expect(t.recorded).to.deep.equal([{ emittedAt: 5_000, recent: ['b'] }]);
    t.gate.acknowledge('zipkin', 1);
    expect(t.recorded.at(-1)).to.deep.equal({ emittedAt: 6_000, recent: ['b', 'c'] });
  });

  it('a standby does not retain spans of events from before it started (its first list replays them)', async () => {
    const t = setup(undefined);
    t.emitAt('old', 1_000, -60_000); // an event a minute before this replica started
    t.emitAt('new', 2_000, 1_500);
    t.leading.next(true);
    expect(t.out).to.deep.equal(['new']);
    expect(await t.registry.value('standby_historical_spans_total')).to.equal(1);
  });

  it('a standby discards what it held longer than the retention time, counted', async () => {
    const t = setup();
    t.emitAt('a', 1_000);
    t.emitAt('b', 70_000);
    expect(await t.registry.value('standby_retained_spans')).to.equal(1);
    expect(await t.registry.value('standby_expired_spans_total')).to.equal(1);
  });
});
