// Figure: latency from an event's arrival to the export of its span, in real time. A workload is
// fed at the pace of its `observedAt` (stamped with the wall clock on arrival, as the live receiver
// does) into causality → core's sending queue (the batching every exporter uses, here with a
// 100 ms batch timeout) whose send encodes OTLP protobuf and notes the time of each span. Run as a
// child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/latency.ts '{"events":600,"windowMs":1000}'
import { Subject } from 'rxjs';
import { sendingQueue, standaloneContext, type SignalTypes, type WatchEvent } from '@kspan/core';
import { causality } from '@kspan/processor-causality';
import { encodeOtlpProtobuf } from '@kspan/exporter-otlp';
import { childMain, progress } from '../lib/child.js';
import { percentile } from '../lib/stats.js';
import { workload } from '../workload/index.js';

type ReadableSpan = SignalTypes['spans'];

export interface LatencyArgs {
  events: number;
  windowMs: number;
  seed?: number;
  /** Event-time rate of the workload (events/s): `events / rate` seconds of feeding. */
  ratePerSecond?: number;
}

export interface LatencyResult {
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  latency_window_ms: number;
  latency_spans: number;
  latency_feed_s: number;
  latency_late_feeds_ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(args: LatencyArgs): Promise<LatencyResult> {
  const rate = args.ratePerSecond ?? 100;
  const start = Date.now() + 500;
  // out-of-order arrivals stay within the window, as the processor is meant to absorb
  const items = [
    ...workload({
      events: args.events,
      seed: args.seed ?? 3,
      ratePerSecond: rate,
      startMs: start,
      maxDelayMs: Math.min(3000, args.windowMs / 2),
    }),
  ];
  const firstObs = Date.parse(items[0]?.observedAt ?? '');
  const arrivals = new Map<string, number>();
  const latencies: number[] = [];
  const ctx = standaloneContext({ id: 'latency_sink' });
  const exported = sendingQueue<ReadableSpan>(
    {
      batch: { max_size: 512, timeout: '100ms' },
      retry: { enabled: false, initial_interval: '1s', max_interval: '1s', max_elapsed: '1s' },
      queue: { size: 100_000, concurrency: 2 },
    },
    ctx,
    async (batch) => {
      encodeOtlpProtobuf(batch);
      const now = Date.now();
      for (const span of batch) {
        const a = span.attributes;
        const arrived = arrivals.get(
          `${String(a['k8s.event.uid'])}#${String(a['k8s.event.count'])}`,
        );
        if (arrived !== undefined) latencies.push(now - arrived);
      }
      return { code: 'success' };
    },
  );
  const input = new Subject<WatchEvent>();
  const done = new Promise<void>((resolve, reject) =>
    input.pipe(causality({ window: `${args.windowMs}ms` }), exported).subscribe({
      error: reject,
      complete: resolve,
    }),
  );

  progress(
    `latency: feeding ${items.length} watch events in real time over ~${((Date.parse(items.at(-1)?.observedAt ?? '') - firstObs) / 1000).toFixed(1)} s, window ${args.windowMs} ms`,
  );
  const t0 = Date.now();
  let lateFeed = 0;
  for (const ev of items) {
    const due = t0 + (Date.parse(ev.observedAt ?? '') - firstObs);
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    else lateFeed = Math.max(lateFeed, -wait);
    const now = Date.now();
    const o = ev.object as { kind?: string; count?: number; metadata?: { uid?: string } };
    if (o.kind === 'Event') arrivals.set(`${o.metadata?.uid}#${o.count ?? 1}`, now);
    input.next({ ...ev, observedAt: new Date(now).toISOString() });
  }
  const feedS = (Date.now() - t0) / 1000;
  // every window has closed and the last batch has gone out before the input ends
  await sleep(args.windowMs + 2000);
  const measured = latencies.length;
  input.complete();
  await done;
  latencies.length = measured; // spans flushed by the end of input are not real-time exports
  return {
    latency_p50_ms: percentile(latencies, 50),
    latency_p99_ms: percentile(latencies, 99),
    latency_max_ms: percentile(latencies, 100),
    latency_window_ms: args.windowMs,
    latency_spans: measured,
    latency_feed_s: feedS,
    latency_late_feeds_ms: lateFeed,
  };
}

childMain(run);
