// Figure: the service path — a whole in-process Service, k8s_capture (reading the capture from a
// file) → causality → the `otlp` exporter, into an OTLP/gRPC sink on loopback in another process —
// against reading and `JSON.parse`-ing the same file in this process before and after (median).
// Rates are lines per CPU-second of this process (the sink's CPU is not counted): what one core
// does. Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/service-otlp.ts '{"events":100000}'
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsRegistry, Service, silentLogger, validateConfig } from '@kspan/core';
import { k8sCaptureReceiver } from '@kspan/receiver-k8s-events';
import { causalityProcessor } from '@kspan/processor-causality';
import { otlpExporter } from '@kspan/exporter-otlp';
import { childMain, fullGc, progress } from '../lib/child.js';
import { parseOnlyFile, writeInputFile } from '../lib/input.js';
import { cpuSeconds, median } from '../lib/stats.js';
import { GrpcSink } from '../lib/sink.js';
import { backgroundShare, threadCpu } from '../lib/thread-cpu.js';

export interface ServiceOtlpArgs {
  events: number;
  seed?: number;
  /** Replay this capture instead of generating one (profiling a fixed input; `events` unused). */
  file?: string;
}

export interface ServiceOtlpResult {
  /** Lines per CPU-second of the service's process, until the last export result. */
  service_otlp_events_per_s: number;
  service_otlp_wall_events_per_s: number;
  /** Lines per CPU-second of reading and JSON.parse-ing the same file (median of 2). */
  service_otlp_parse_only_events_per_s: number;
  service_otlp_ratio_to_parse: number;
  service_otlp_spans_sent: number;
  service_otlp_spans_lost: number;
  service_otlp_requests: number;
  service_otlp_bytes: number;
  service_otlp_cpu_cores: number;
  /**
   * Share of the service's CPU outside the JavaScript thread: V8's compiler and GC threads,
   * libuv's pool (gzip). Large on short runs, where compiling is a fixed cost (Linux only).
   */
  service_otlp_background_cpu_share: number | null;
}

async function run(args: ServiceOtlpArgs): Promise<ServiceOtlpResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kspan-bench-grpc-'));
  const sink = await GrpcSink.start();
  try {
    const file = args.file ?? join(dir, 'capture.ndjson');
    if (!args.file)
      progress(
        `service: generating ${args.events.toLocaleString('en')} watch events into a capture file`,
      );
    const input = args.file
      ? { lines: parseOnlyFile(args.file) }
      : writeInputFile(file, { events: args.events, seed: args.seed ?? 1 });
    parseOnlyFile(file); // warm the file cache and the parse path
    const parseRates: number[] = [];
    const parseOnce = async () => {
      const cpu = process.cpuUsage();
      parseRates.push(parseOnlyFile(file) / cpuSeconds(cpu));
      await fullGc();
    };
    await parseOnce();

    const config = validateConfig(
      {
        receivers: { k8s_capture: { path: file } },
        processors: { causality: { window: '5s' } },
        exporters: {
          otlp: {
            endpoint: sink.endpoint,
            tls: { insecure: true },
            batch: { max_size: 512, timeout: '200ms' },
            // room for what a replay produces faster than one connection sends; losses are counted
            queue: { size: 100_000, concurrency: 4 },
          },
        },
        service: {
          pipelines: {
            traces: { receivers: ['k8s_capture'], processors: ['causality'], exporters: ['otlp'] },
          },
        },
      },
      {
        receivers: [k8sCaptureReceiver],
        processors: [causalityProcessor],
        exporters: [otlpExporter],
      },
      'bench',
    );
    const service = Service.build(config, { logger: silentLogger, metrics: new MetricsRegistry() });
    progress('service: replaying through k8s_capture → causality → otlp → gRPC sink');
    const threads = threadCpu();
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await service.run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuS = cpuSeconds(cpu);
    const background = backgroundShare(threads);
    const tally = service.tallies.get('otlp') ?? { sent: 0, failed: 0, dropped: 0, batches: 0 };
    const stats = await sink.stats();
    await fullGc();
    await parseOnce();
    const parseRate = median(parseRates);
    return {
      service_otlp_events_per_s: input.lines / cpuS,
      service_otlp_wall_events_per_s: input.lines / seconds,
      service_otlp_parse_only_events_per_s: parseRate,
      service_otlp_ratio_to_parse: input.lines / cpuS / parseRate,
      service_otlp_spans_sent: tally.sent,
      service_otlp_spans_lost: tally.failed + tally.dropped,
      service_otlp_requests: stats.requests,
      service_otlp_bytes: stats.bytes,
      service_otlp_cpu_cores: cpuS / seconds,
      service_otlp_background_cpu_share: background,
    };
  } finally {
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

childMain(run);
