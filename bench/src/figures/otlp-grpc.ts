// Figure: the same replay through a whole in-process Service — k8s_capture (reading the capture
// from a file) → causality → the `otlp` exporter — into an OTLP/gRPC sink on loopback in another
// process. Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/otlp-grpc.ts '{"events":100000}'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsRegistry, Service, silentLogger, validateConfig } from '@kspan/core';
import { k8sCaptureReceiver } from '@kspan/receiver-k8s-events';
import { causalityProcessor } from '@kspan/processor-causality';
import { otlpExporter } from '@kspan/exporter-otlp';
import { childMain, fullGc, progress } from '../lib/child.js';
import { makeInput } from '../lib/input.js';
import { cpuSeconds } from '../lib/stats.js';
import { GrpcSink } from '../lib/sink.js';

export interface OtlpGrpcArgs {
  events: number;
  seed?: number;
}

export interface OtlpGrpcResult {
  otlp_grpc_events_per_s: number;
  otlp_grpc_spans_sent: number;
  otlp_grpc_spans_lost: number;
  otlp_grpc_requests: number;
  otlp_grpc_bytes: number;
  otlp_grpc_cpu_cores: number;
}

async function run(args: OtlpGrpcArgs): Promise<OtlpGrpcResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kspan-bench-grpc-'));
  const sink = await GrpcSink.start();
  try {
    progress(
      `otlp: generating ${args.events.toLocaleString('en')} watch events into a capture file`,
    );
    const input = makeInput({ events: args.events, seed: args.seed ?? 1 });
    const file = join(dir, 'capture.ndjson');
    writeFileSync(file, input.chunks.join(''));
    input.chunks.length = 0;
    await fullGc();

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
    progress('otlp: replaying through k8s_capture → causality → otlp → gRPC sink');
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await service.run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cores = cpuSeconds(cpu) / seconds;
    const tally = service.tallies.get('otlp') ?? { sent: 0, failed: 0, dropped: 0, batches: 0 };
    const stats = await sink.stats();
    return {
      otlp_grpc_events_per_s: input.lines / seconds,
      otlp_grpc_spans_sent: tally.sent,
      otlp_grpc_spans_lost: tally.failed + tally.dropped,
      otlp_grpc_requests: stats.requests,
      otlp_grpc_bytes: stats.bytes,
      otlp_grpc_cpu_cores: cores,
    };
  } finally {
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

childMain(run);
