// Figure: throughput of replay → causality → OTLP protobuf encoding on one thread (no network),
// against merely JSON.parse-ing the same input in the same process. Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/throughput.ts '{"events":100000}'
import { childMain, fullGc, progress } from '../lib/child.js';
import { makeInput, parseOnly } from '../lib/input.js';
import { cpuSeconds, median } from '../lib/stats.js';
import { replayEncode, type RunCounts } from './pipelines.js';

export interface ThroughputArgs {
  events: number;
  seed?: number;
  /** Timed runs of the pipeline (parse-only runs twice as often, interleaved). */
  runs?: number;
}

export interface ThroughputResult {
  throughput_events_per_s: number;
  parse_only_events_per_s: number;
  ratio_to_parse: number;
  throughput_input_events: number;
  throughput_input_event_objects: number;
  throughput_input_mb_per_s: number;
  throughput_spans: number;
  throughput_otlp_bytes_per_span: number;
  throughput_cpu_cores: number;
  /** Events per CPU-second of the process (all its threads): what one core does, less sensitive to other load. */
  throughput_events_per_cpu_s: number;
  parse_only_events_per_cpu_s: number;
  throughput_runs: number;
  generate_seconds: number;
  /**
   * Share of the pipeline's wall time in each stage, timed inside the same run: the capture
   * decoder (split, JSON.parse, checks), the OTLP encoder, and the rest (causality and the RxJS
   * plumbing between them).
   */
  stage_share_replay: number | null;
  stage_share_causality: number | null;
  stage_share_encode: number | null;
}

async function run(args: ThroughputArgs): Promise<ThroughputResult> {
  const runs = args.runs ?? 1;
  progress(
    `throughput: generating ${args.events.toLocaleString('en')} watch events (seed ${args.seed ?? 1})`,
  );
  const input = makeInput({ events: args.events, seed: args.seed ?? 1 });
  progress(
    `throughput: ${input.lines} lines, ${(input.bytes / 2 ** 20).toFixed(0)} MiB in ${input.generateSeconds.toFixed(1)} s (not timed)`,
  );

  // Warm both paths up on a small, different input so the JIT has seen them.
  const warm = makeInput({ events: Math.min(20_000, args.events), seed: 99 });
  parseOnly(warm.chunks);
  await replayEncode(warm.chunks);
  await fullGc();

  const parseRates: number[] = [];
  const parseCpuRates: number[] = [];
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const cores: number[] = [];
  let last: RunCounts | undefined;
  let lastSeconds = 0;
  const parseOnce = async () => {
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const n = parseOnly(input.chunks);
    parseRates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    parseCpuRates.push(n / cpuSeconds(cpu));
    await fullGc();
  };
  for (let i = 0; i < runs; i++) {
    await parseOnce();
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    last = await replayEncode(input.chunks);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    lastSeconds = seconds;
    cores.push(cpuSeconds(cpu) / seconds);
    cpuRates.push(last.items / cpuSeconds(cpu));
    rates.push(last.items / seconds);
    progress(
      `throughput: run ${i + 1}/${runs}: ${Math.round(last.items / seconds).toLocaleString('en')} events/s (${last.spans} spans; decode ${pct(last.decodeNs, seconds)}, encode ${pct(last.encodeNs, seconds)}, causality and the rest ${pct(seconds * 1e9 - last.decodeNs - last.encodeNs, seconds)}); parse-only ${Math.round(parseRates.at(-1) ?? 0).toLocaleString('en')}/s`,
    );
    await fullGc();
    await parseOnce();
  }
  if (!last) throw new Error('no run');
  const rate = median(rates);
  const parseRate = median(parseRates);
  const seconds = input.lines / rate;
  return {
    throughput_events_per_s: rate,
    parse_only_events_per_s: parseRate,
    ratio_to_parse: rate / parseRate,
    throughput_input_events: input.lines,
    throughput_input_event_objects: input.eventLines,
    throughput_input_mb_per_s: input.bytes / seconds / 1e6,
    throughput_spans: last.spans,
    throughput_otlp_bytes_per_span: last.bytes / Math.max(1, last.spans),
    throughput_cpu_cores: median(cores),
    throughput_events_per_cpu_s: median(cpuRates),
    parse_only_events_per_cpu_s: median(parseCpuRates),
    throughput_runs: runs,
    generate_seconds: input.generateSeconds,
    ...shares(last, lastSeconds),
  };
}

const pct = (ns: number, seconds: number) => `${((ns / (seconds * 1e9)) * 100).toFixed(0)} %`;

function shares(c: RunCounts, seconds: number) {
  const total = seconds * 1e9;
  return {
    stage_share_replay: c.decodeNs / total,
    stage_share_causality: (total - c.decodeNs - c.encodeNs) / total,
    stage_share_encode: c.encodeNs / total,
  };
}

childMain(run);
