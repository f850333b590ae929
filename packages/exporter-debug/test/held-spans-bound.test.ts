import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MetricsRegistry, stoppedClock, type ExportResult } from '@kspan/core';
import { testContext, withDefaults } from '@kspan/testing';
import { debugExport } from '../src/debug-exporter.js';
import { DebugExporterConfigSchema } from '../src/config.js';
import { span } from './fixtures.js';

const T0 = 1_700_000_000_000;
const traceId = (n: number) => n.toString(16).padStart(32, '0');

/** Span `i` of trace `t` (ids unique across traces), `i` ms after T0; span 0 is the trace's root. */
const spanOf = (t: number, i: number): ReadableSpan =>
  span({
    id: `${t}f${i}`,
    ...(i > 0 ? { parent: `${t}f0` } : {}),
    name: `S${t}.${i}`,
    service: 'svc',
    startMs: T0 + i,
    endMs: T0 + i + 1,
    trace: traceId(t),
  });

/** Runs spans through the debug exporter with a bound, checking the held count after each span. */
async function drawWithBound(spans: ReadableSpan[], maxHeldSpans: number) {
  const metrics = new MetricsRegistry();
  const ctx = testContext('debug', {
    clock: stoppedClock(T0),
    metrics: metrics.metricsFor('debug'),
  });
  const config = withDefaults(DebugExporterConfigSchema, {
    trace_idle: '24h',
    width: 200,
    max_held_spans: maxHeldSpans,
  });
  let out = '';
  const results: ExportResult[] = [];
  const input = new Subject<ReadableSpan>();
  let maxHeld = 0;
  let drawnSoFar = 0;
  let sent = 0;
  input.pipe(debugExport(config, ctx, (text) => (out += text))).subscribe((r) => {
    results.push(r);
    drawnSoFar += r.spans;
  });
  for (const s of spans) {
    input.next(s);
    sent++;
    maxHeld = Math.max(maxHeld, sent - drawnSoFar);
  }
  const drawnBeforeEnd = results.length;
  input.complete();
  const value = (name: string) => metrics.value(name, { component: 'debug' });
  return {
    out,
    maxHeld,
    drawnBeforeEnd,
    drawn: drawnSoFar,
    early: await value('debug_traces_drawn_early_total'),
    continued: await value('debug_trace_continuations_total'),
  };
}

/** The span names drawn under each header, per trace id in drawing order of its parts. */
function parts(out: string): { header: string; names: string[] }[] {
  const result: { header: string; names: string[] }[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('trace ')) result.push({ header: line, names: [] });
    else if (line.trim()) result.at(-1)!.names.push(/svc (\S+)/.exec(line)![1]!);
  }
  return result;
}

describe('debug exporter: max_held_spans', () => {
  // Three traces of 4 spans, interleaved: a, b, c, a, b, c, …
  const interleaved = [0, 1, 2, 3].flatMap((i) => [1, 2, 3].map((t) => spanOf(t, i)));

  it('draws everything at the end, unmarked, when the bound is not reached', async () => {
    const r = await drawWithBound(interleaved, 12);
    expect(r.drawnBeforeEnd).to.equal(0);
    expect(r.early).to.equal(0);
    expect(parts(r.out).map((p) => p.header.split(' · ').slice(1, 2))).to.deep.equal([
      ['4 spans'],
      ['4 spans'],
      ['4 spans'],
    ]);
  });

  it('draws traces that start together in the order they arrived, whatever was added last', async () => {
    // Both start at T0; trace 2 arrives first and is added to last (least recent: trace 1).
    const r = await drawWithBound([spanOf(2, 0), spanOf(1, 0), spanOf(2, 1)], 12);
    expect(parts(r.out).map((p) => p.header.split(' ')[1])).to.deep.equal([traceId(2), traceId(1)]);
  });

  it('never holds more than the bound and counts the traces it drew early', async () => {
    const r = await drawWithBound(interleaved, 5);
    expect(r.maxHeld).to.equal(5);
    expect(r.drawn).to.equal(12);
    expect(r.drawnBeforeEnd).to.be.greaterThan(0);
    expect(r.early).to.equal(parts(r.out).filter((p) => p.header.includes('drawn early')).length);
    expect(r.early).to.be.greaterThan(0);
  });

  it('draws the trace least recently added to first', async () => {
    // a gets 3 spans, then b 2: at the 6th span (c) a is least recent and goes, though b is older.
    const spans = [
      spanOf(2, 0),
      spanOf(1, 0),
      spanOf(1, 1),
      spanOf(1, 2),
      spanOf(2, 1),
      spanOf(3, 0),
    ];
    const r = await drawWithBound(spans, 5);
    const p = parts(r.out);
    expect(p[0]!.header).to.equal(`trace ${traceId(1)} · part 1, drawn early · 3 spans · 0.0s`);
    expect(p[0]!.names).to.deep.equal(['S1.0', 'S1.1', 'S1.2']);
  });

  it('draws a later span of a trace drawn early as its marked continuation, each span once', async () => {
    const r = await drawWithBound(interleaved, 2);
    const drawn = parts(r.out);
    const byTrace = new Map<string, { header: string; names: string[] }[]>();
    for (const p of drawn) {
      const id = p.header.split(' ')[1]!;
      byTrace.set(id, [...(byTrace.get(id) ?? []), p]);
    }
    expect([...byTrace.keys()].sort()).to.deep.equal([1, 2, 3].map(traceId));
    for (const [, ps] of byTrace) {
      expect(ps.length).to.be.greaterThan(1);
      ps.forEach((p, k) => {
        expect(p.header).to.contain(`part ${k + 1}`);
        expect(p.header.includes('continued')).to.equal(k > 0);
      });
      // Every span of the trace, each exactly once, in the order it arrived.
      expect(ps.flatMap((p) => p.names)).to.deep.equal(
        [0, 1, 2, 3].map((i) => `S${ps[0]!.names[0]!.slice(1, 2)}.${i}`),
      );
    }
    expect(r.continued).to.equal(drawn.filter((p) => p.header.includes('continued')).length);
    expect(r.continued).to.be.greaterThan(0);
    expect(r.drawn).to.equal(12);
    expect(r.maxHeld).to.be.at.most(2);
  });

  it('draws a trace larger than the bound by itself, in parts', async () => {
    const big = [0, 1, 2, 3, 4, 5, 6].map((i) => spanOf(9, i));
    const r = await drawWithBound(big, 3);
    expect(r.maxHeld).to.be.at.most(3);
    expect(parts(r.out).flatMap((p) => p.names)).to.deep.equal(big.map((s) => s.name));
    // The 4th span passes the bound: spans 0-3 go early; 4-6 are held and drawn at the end.
    expect(r.early).to.equal(1);
    expect(parts(r.out).map((p) => p.header.split(' · ')[1])).to.deep.equal([
      'part 1, drawn early',
      'part 2, continued',
    ]);
  });
});
