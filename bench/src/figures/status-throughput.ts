// Figure: what the status watch costs in throughput (issue 11). The same workload (same seed, same
// Events, same owner objects) twice: owner objects as the k8s_events receiver emits them with the
// default owners.status_kinds (workload shape `status`: full objects through the receiver's own
// objectWithStatus / ownerMetadata, so the processor reads conditions, ends and specs and diffs
// generations), and metadata only (`status_kinds: []`). Each through replay → causality → OTLP
// protobuf (pipelines.ts, the throughput figure's path), runs alternating, median events per
// CPU-second. Also the capture bytes per owner-object line each way (what the stream carries; the
// API's own bytes per object are the api figure's `api_pod_*_bytes` and
// `watch_list_*_bytes_per_object`). Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/status-throughput.ts '{"events":40000,"runs":3}'
import type { ObjectShape } from '../workload/index.js';
import { childMain, fullGc, progress } from '../lib/child.js';
import { makeInput, type Input } from '../lib/input.js';
import { cpuSeconds, median } from '../lib/stats.js';
import { replayEncode } from './pipelines.js';

export interface StatusThroughputArgs {
  events: number;
  seed?: number;
  /** Timed runs of each shape, alternating. */
  runs?: number;
}

export interface StatusThroughputResult {
  throughput_status_events_per_cpu_s: number;
  throughput_metadata_events_per_cpu_s: number;
  /** metadata / status: how many times more CPU a line costs with status watches on. */
  throughput_status_cost_ratio: number;
  throughput_status_spans: number;
  throughput_metadata_spans: number;
  /** Mean capture bytes of an owner-object line (not Events), each way. */
  capture_status_object_line_bytes: number;
  capture_metadata_object_line_bytes: number;
  throughput_status_input_events: number;
  throughput_status_runs: number;
}

/** Mean bytes of the lines that are not Events (the owner objects, where the shapes differ). */
function objectLineBytes(input: Input): number {
  let bytes = 0;
  let lines = 0;
  for (const chunk of input.chunks)
    for (const line of chunk.split('\n')) {
      if (line === '' || line.includes('"kind":"Event"')) continue;
      bytes += Buffer.byteLength(line) + 1;
      lines++;
    }
  return bytes / Math.max(1, lines);
}

async function run(args: StatusThroughputArgs): Promise<StatusThroughputResult> {
  const runs = args.runs ?? 3;
  const seed = args.seed ?? 1;
  const make = (shape: ObjectShape, events: number, s = seed) =>
    makeInput({ events, seed: s, shape });
  progress(`status-throughput: generating ${args.events.toLocaleString('en')} events each way`);
  const inputs = { status: make('status', args.events), metadata: make('metadata', args.events) };
  // Warm both paths up on a small, different input so the JIT has seen them.
  for (const shape of ['status', 'metadata'] as const)
    await replayEncode(make(shape, Math.min(10_000, args.events), 99).chunks);
  await fullGc();

  const rates = { status: [] as number[], metadata: [] as number[] };
  const spans = { status: 0, metadata: 0 };
  for (let i = 0; i < runs; i++) {
    for (const shape of ['status', 'metadata'] as const) {
      const cpu = process.cpuUsage();
      const counts = await replayEncode(inputs[shape].chunks);
      rates[shape].push(counts.items / cpuSeconds(cpu));
      spans[shape] = counts.spans;
      await fullGc();
    }
    progress(
      `status-throughput: run ${i + 1}/${runs}: status ${Math.round(rates.status[i]!).toLocaleString('en')}, metadata ${Math.round(rates.metadata[i]!).toLocaleString('en')} events per CPU-s`,
    );
  }
  const status = median(rates.status);
  const metadata = median(rates.metadata);
  return {
    throughput_status_events_per_cpu_s: status,
    throughput_metadata_events_per_cpu_s: metadata,
    throughput_status_cost_ratio: metadata / status,
    throughput_status_spans: spans.status,
    throughput_metadata_spans: spans.metadata,
    capture_status_object_line_bytes: objectLineBytes(inputs.status),
    capture_metadata_object_line_bytes: objectLineBytes(inputs.metadata),
    throughput_status_input_events: inputs.status.lines,
    throughput_status_runs: runs,
  };
}

childMain(run);
