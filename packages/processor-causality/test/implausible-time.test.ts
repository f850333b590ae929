import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MetricsRegistry, PLAUSIBLE_TIME_US, type WatchEvent } from '@kspan/core';
import { causality, type CausalityOptions } from '../src/index.js';
import { at, coreEvent } from '@kspan/testing';
import { frozenClock } from './helpers/run.js';

/** A kubelet event on its own Pod at `time` (RFC 3339), seen at `observedAt` when given. */
function eventAt(name: string, time: string, observedAt?: string): WatchEvent {
  const ev = coreEvent({
    on: { kind: 'Pod', name },
    reason: 'Started',
    message: 'Started container c',
    component: 'kubelet',
    time: 0,
  });
  ev.object.lastTimestamp = time;
  ev.object.firstTimestamp = time;
  if (observedAt === undefined) delete ev.observedAt;
  else ev.observedAt = observedAt;
  return ev;
}

async function run(items: WatchEvent[], options: CausalityOptions = {}) {
  const registry = new MetricsRegistry();
  const spans: ReadableSpan[] = await lastValueFrom(
    from(items).pipe(
      causality(options, {
        id: 'causality',
        clock: frozenClock(),
        metrics: registry.metricsFor('causality'),
      }),
      toArray(),
    ),
  );
  const text = await registry.registry.metrics();
  const m = /kspan_causality_dropped_items_total\{[^}]*reason="implausible_time"[^}]*\} (\d+)/.exec(
    text,
  );
  return { spans, implausible: m ? Number(m[1]) : 0 };
}

const names = (spans: ReadableSpan[]) =>
  [...new Set(spans.map((s) => String(s.attributes['k8s.object.name'])))].sort();
const hrToUs = (t: [number, number]) => t[0] * 1e6 + t[1] / 1000;

describe('implausible event times', () => {
  it('drops and counts events dated 1970 and 9999; the 2024 ones make a sane trace', async () => {
    const { spans, implausible } = await run([
      eventAt('a', at(0)),
      eventAt('b', '1970-01-01T00:00:01Z'),
      eventAt('c', '9999-12-31T23:59:59Z'),
      eventAt('d', at(2)),
    ]);
    expect(implausible).to.equal(2);
    // Each kept event: its span and its change's root span.
    expect(names(spans)).to.deep.equal(['a', 'd']);
    for (const s of spans) {
      for (const t of [s.startTime, s.endTime] as Array<[number, number]>) {
        expect(hrToUs(t)).to.be.at.least(PLAUSIBLE_TIME_US.min);
        expect(hrToUs(t)).to.be.below(PLAUSIBLE_TIME_US.max);
      }
    }
  });

  it('drops an event whose time is further from its observation than max_time_skew', async () => {
    const items = [
      eventAt('near', at(0), at(60)),
      eventAt('far', at(0), at(3 * 3600)), // 3 h between the event's time and its observation
      eventAt('ahead', at(3 * 3600 + 10), at(10)), // a node clock 3 h ahead
    ];
    const strict = await run(items, { max_time_skew: '1h' });
    expect(strict.implausible).to.equal(2);
    expect(names(strict.spans)).to.deep.equal(['near']);
    // The default (168h) keeps all three.
    expect((await run(items)).implausible).to.equal(0);
  });

  it('an observation time outside the range is no reference either', async () => {
    const { implausible, spans } = await run([eventAt('x', at(0), '9999-01-01T00:00:00Z')]);
    expect(implausible).to.equal(1);
    expect(spans).to.deep.equal([]);
  });
});
