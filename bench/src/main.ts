// `pnpm bench` — kspan's benchmarks. Runs each figure in a fresh Node process, prints a table of
// figure / value / target / met, and writes bench/results/latest.json (numbers only) and
// bench/results/latest.details.json (sizes, reasons, environment). See bench/README.md.
//
//   node --import tsx bench/src/main.ts [--quick] [--only throughput,status,replay,service,heap,sync,latency,api,start]
//        [--events N] [--pods N] [--cpu-prof]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { REPO_ROOT, runChild } from './lib/child.js';
import { round } from './lib/stats.js';
import { num, table } from './lib/table.js';
import { apiLoad, type ApiLoadResult } from './figures/api-load.js';
import { cliStart, type CliStartArgs, type CliStartResult } from './figures/cli-start.js';
import type { ThroughputArgs, ThroughputResult } from './figures/throughput.js';
import type { StatusThroughputArgs, StatusThroughputResult } from './figures/status-throughput.js';
import type { ReplayCliArgs, ReplayCliResult } from './figures/replay-cli.js';
import type { ServiceOtlpArgs, ServiceOtlpResult } from './figures/service-otlp.js';
import type { HeapArgs, HeapResult } from './figures/heap.js';
import type { WatchDecodeArgs, WatchDecodeResult } from './figures/watch-decode.js';
import type { InitialSyncArgs, InitialSyncResult } from './figures/initial-sync.js';
import type { LatencyArgs, LatencyResult } from './figures/latency.js';

const FIGURES = [
  'throughput',
  'status',
  'replay',
  'service',
  'heap',
  'sync',
  'latency',
  'api',
  'start',
] as const;
type Figure = (typeof FIGURES)[number];

interface Plan {
  throughput: ThroughputArgs;
  status: StatusThroughputArgs;
  replay: ReplayCliArgs;
  service: ServiceOtlpArgs;
  heap: HeapArgs;
  sync: InitialSyncArgs;
  latency: LatencyArgs;
  api: { quick: boolean };
  watchDecode: WatchDecodeArgs;
  start: CliStartArgs;
}

const FULL: Plan = {
  throughput: { events: 1_000_000, runs: 1 },
  status: { events: 200_000, runs: 3 },
  // 1M lines (~1 GB): the size the bounded-memory target (replay_peak_rss_mb) is held at
  replay: { events: 1_000_000, runs: 1 },
  service: { events: 300_000 },
  heap: { pods: 150_000 },
  sync: { pods: 150_000 },
  latency: { events: 800, windowMs: 1000, ratePerSecond: 100 },
  api: { quick: false },
  watchDecode: { pods: 50_000, runs: 3 },
  start: { runs: 15 },
};
const QUICK: Plan = {
  throughput: { events: 40_000, runs: 1 },
  status: { events: 20_000, runs: 3 },
  replay: { events: 20_000, runs: 3 },
  service: { events: 20_000 },
  heap: { pods: 15_000 },
  sync: { pods: 15_000 },
  latency: { events: 250, windowMs: 1000, ratePerSecond: 150 },
  api: { quick: true },
  watchDecode: { pods: 15_000, runs: 3 },
  start: { runs: 10 },
};

/** Targets from the issue; the benchmark reports them, nothing asserts on wall-clock time. */
const TARGET = {
  eventsPerSecond: 50_000,
  ratioToParse: 0.4,
  /** The CLI and the service read a file and write or send their output: a lower ratio. */
  ratioToParseEndToEnd: 0.3,
  replayPeakRssMb: 300,
  heapBytesPerPod: 1024,
  latencyOverWindowMs: 1000,
  getsPerEvent: 0,
  cliStartMs: 300,
};

function parseArgs(argv: string[]) {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') continue;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (v !== undefined) flags.set(k, v);
    else if (['only', 'events', 'pods'].includes(k) && next && !next.startsWith('--')) {
      flags.set(k, next);
      i++;
    } else flags.set(k, true);
  }
  const known = ['quick', 'only', 'events', 'pods', 'cpu-prof', 'help'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  return flags;
}

const USAGE = `usage: pnpm bench [-- --quick] [--only ${FIGURES.join(',')}] [--events N] [--pods N] [--cpu-prof]`;

async function main(): Promise<number> {
  let flags: Map<string, string | true>;
  try {
    flags = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const quick = flags.has('quick');
  const plan: Plan = structuredClone(quick ? QUICK : FULL);
  const only = flags.get('only');
  const selected = new Set<Figure>(
    typeof only === 'string' ? (only.split(',') as Figure[]) : [...FIGURES],
  );
  for (const f of selected)
    if (!FIGURES.includes(f)) throw new Error(`unknown figure ${f}\n${USAGE}`);
  const events = flags.get('events');
  if (typeof events === 'string')
    plan.throughput.events = plan.replay.events = plan.service.events = Number(events);
  const pods = flags.get('pods');
  if (typeof pods === 'string') plan.heap.pods = plan.sync.pods = Number(pods);
  const resultsDir = resolve(REPO_ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const profDir = resolve(REPO_ROOT, '.tmp/bench-profiles'); // .tmp/ is git-ignored
  const nodeFlags = flags.has('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];

  const started = Date.now();
  const load = loadavg()[0] ?? 0;
  console.log(
    `kspan bench${quick ? ' --quick' : ''}: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load.toFixed(2)}`,
  );
  if (load > 0.5 * cpus().length)
    console.log(
      '  note: the machine is busy; wall-clock rates will be low (the *_per_cpu_s figures in latest.json are less affected)',
    );
  const failures: Record<string, string> = {};
  async function figure<T>(name: Figure, fn: () => Promise<T>): Promise<T | undefined> {
    if (!selected.has(name)) return undefined;
    const t0 = Date.now();
    console.error(`[${name}]`);
    try {
      const r = await fn();
      console.error(`  · ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    } catch (err) {
      failures[name] = err instanceof Error ? err.message : String(err);
      console.error(`  ✗ ${name} failed: ${failures[name]}`);
      return undefined;
    }
  }
  const big = ['--max-old-space-size=12288'];
  const tp = await figure('throughput', () =>
    runChild<ThroughputResult>('figures/throughput.ts', plan.throughput, {
      nodeFlags: [...big, ...nodeFlags],
    }),
  );
  // with status watches on and off: what the status watch costs the pipeline
  const st = await figure('status', () =>
    runChild<StatusThroughputResult>('figures/status-throughput.ts', plan.status, {
      nodeFlags: [...big, ...nodeFlags],
    }),
  );
  const replay = await figure('replay', () =>
    runChild<ReplayCliResult>('figures/replay-cli.ts', plan.replay, { nodeFlags }),
  );
  const grpc = await figure('service', () =>
    runChild<ServiceOtlpResult>('figures/service-otlp.ts', plan.service, {
      nodeFlags: [...big, ...nodeFlags],
    }),
  );
  const heapChild = (args: HeapArgs) =>
    runChild<HeapResult>('figures/heap.ts', args, { nodeFlags: [...big, ...nodeFlags] });
  // The processor's state for full objects shrunk by the receiver (the issue's target); then the
  // whole run (receiver dedupe tables + processor), with status and metadata-only.
  const heap = await figure('heap', async () => {
    const processor = await heapChild(plan.heap);
    const whole = await heapChild({ ...plan.heap, receiver: true });
    const metadata = await heapChild({ ...plan.heap, receiver: true, input: 'metadata' });
    return {
      ...processor,
      heap_run_bytes_per_pod: whole.heap_bytes_per_pod,
      heap_run_rss_bytes_per_pod: whole.rss_bytes_per_pod,
      heap_run_metadata_bytes_per_pod: metadata.heap_bytes_per_pod,
    };
  });
  const sync = await figure('sync', () =>
    runChild<InitialSyncResult>('figures/initial-sync.ts', plan.sync, {
      nodeFlags: [...big, ...nodeFlags],
    }),
  );
  const lat = await figure('latency', () =>
    runChild<LatencyResult>('figures/latency.ts', plan.latency, { nodeFlags }),
  );
  const api: ApiLoadResult | undefined = await figure('api', () => apiLoad(plan.api));
  // with the api figure: what the status watch costs the receiver (offline, no cluster needed)
  const decode = selected.has('api')
    ? await figure('api', () =>
        runChild<WatchDecodeResult>('figures/watch-decode.ts', plan.watchDecode, {
          nodeFlags: [...big, ...nodeFlags],
        }),
      )
    : undefined;
  // after the others: spawning short processes is what it measures, nothing else runs meanwhile
  const start: CliStartResult | undefined = await figure('start', () =>
    Promise.resolve(cliStart(plan.start)),
  );

  // ------------------------------------------------------------------ results
  const windowMs = lat?.latency_window_ms ?? plan.latency.windowMs;
  const values: Record<string, number | null> = {
    throughput_events_per_s: tp?.throughput_events_per_s ?? null,
    parse_only_events_per_s: tp?.parse_only_events_per_s ?? null,
    ratio_to_parse: tp?.ratio_to_parse ?? null,
    replay_cli_events_per_s: replay?.replay_cli_events_per_s ?? null,
    replay_cli_ratio_to_parse: replay?.replay_cli_ratio_to_parse ?? null,
    replay_peak_rss_mb: replay?.replay_peak_rss_mb ?? null,
    service_otlp_events_per_s: grpc?.service_otlp_events_per_s ?? null,
    service_otlp_ratio_to_parse: grpc?.service_otlp_ratio_to_parse ?? null,
    heap_bytes_per_pod: heap?.heap_bytes_per_pod ?? null,
    initial_sync_s: sync?.initial_sync_s ?? null,
    latency_p50_ms: lat?.latency_p50_ms ?? null,
    latency_p99_ms: lat?.latency_p99_ms ?? null,
    api_requests_per_1000_events: api?.api_requests_per_1000_events ?? null,
    latency_window_ms: windowMs,
    cli_start_ms: start?.cli_start_ms ?? null,
  };
  const extra = {
    ...tp,
    ...st,
    ...replay,
    ...grpc,
    ...heap,
    ...sync,
    ...lat,
    ...api,
    ...decode,
    ...start,
  } as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra))
    if (!(k in values) && (typeof v === 'number' || v === null)) values[k] = v;
  values.quick = quick ? 1 : 0;
  values.load_average_1m = load;
  values.duration_s = (Date.now() - started) / 1000;
  values.timestamp_ms = Date.now();
  for (const [k, v] of Object.entries(values))
    if (typeof v === 'number' && !Number.isInteger(v)) values[k] = round(v, 5);

  const val = (v: number | null | undefined, unit = '') =>
    v === null || v === undefined || Number.isNaN(v) ? 'n/a' : `${num(v)}${unit ? ` ${unit}` : ''}`;
  const met = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'yes' : 'NO');
  const has = (v: number | null | undefined): v is number =>
    typeof v === 'number' && !Number.isNaN(v);
  // An end-to-end path: its rate (target per core) and its ratio to parse-only in the same run.
  const endToEndRows = (label: string, rate?: number | null, ratio?: number | null) => [
    [
      label,
      val(rate, 'events/s'),
      `≥ ${num(TARGET.eventsPerSecond)} events/s`,
      met(has(rate) ? rate >= TARGET.eventsPerSecond : undefined),
    ],
    [
      '  ratio to parse-only (same run)',
      num(ratio),
      `≥ ${TARGET.ratioToParseEndToEnd}`,
      met(has(ratio) ? ratio >= TARGET.ratioToParseEndToEnd : undefined),
    ],
  ];
  const rows: string[][] = [
    [
      'replay → causality → OTLP protobuf, 1 thread',
      val(tp?.throughput_events_per_s, 'events/s'),
      `≥ ${num(TARGET.eventsPerSecond)} events/s`,
      met(
        has(tp?.throughput_events_per_s)
          ? tp.throughput_events_per_s >= TARGET.eventsPerSecond
          : undefined,
      ),
    ],
    ['JSON.parse only, same input', val(tp?.parse_only_events_per_s, 'events/s'), '', ''],
    [
      'ratio to parse-only',
      num(tp?.ratio_to_parse),
      `≥ ${TARGET.ratioToParse}`,
      met(has(tp?.ratio_to_parse) ? tp.ratio_to_parse >= TARGET.ratioToParse : undefined),
    ],
    [
      'replay → causality → OTLP, per CPU-s: with status / metadata only',
      st
        ? `${num(st.throughput_status_events_per_cpu_s)} / ${num(st.throughput_metadata_events_per_cpu_s)} events/s`
        : 'n/a',
      `≥ ${num(TARGET.eventsPerSecond)} events/s`,
      met(
        has(st?.throughput_status_events_per_cpu_s)
          ? st.throughput_status_events_per_cpu_s >= TARGET.eventsPerSecond
          : undefined,
      ),
    ],
    ...endToEndRows(
      'kspan replay --format otlp-json (process, per CPU-s)',
      replay?.replay_cli_events_per_s,
      replay?.replay_cli_ratio_to_parse,
    ),
    [
      `kspan replay peak RSS (${num(replay?.replay_cli_input_events)} lines, ${num(replay?.replay_cli_input_mb)} MiB)`,
      val(replay?.replay_peak_rss_mb, 'MB'),
      `≤ ${num(TARGET.replayPeakRssMb)} MB`,
      met(
        has(replay?.replay_peak_rss_mb)
          ? replay.replay_peak_rss_mb <= TARGET.replayPeakRssMb
          : undefined,
      ),
    ],
    ...endToEndRows(
      `service k8s_capture → causality → otlp → gRPC sink (per CPU-s; ${num(grpc?.service_otlp_spans_lost)} spans lost)`,
      grpc?.service_otlp_events_per_s,
      grpc?.service_otlp_ratio_to_parse,
    ),
    [
      `heap per tracked pod (${num(heap?.heap_pods)} pods)`,
      val(heap?.heap_bytes_per_pod, 'B'),
      `≤ ${num(TARGET.heapBytesPerPod)} B`,
      met(
        has(heap?.heap_bytes_per_pod)
          ? heap.heap_bytes_per_pod <= TARGET.heapBytesPerPod
          : undefined,
      ),
    ],
    ['RSS per pod (same run)', val(heap?.rss_bytes_per_pod, 'B'), '', ''],
    [
      'heap per pod, receiver + processor (status / metadata only)',
      heap
        ? `${val(heap.heap_run_bytes_per_pod, 'B')} / ${val(heap.heap_run_metadata_bytes_per_pod, 'B')}`
        : 'n/a',
      '',
      '',
    ],
    [
      `initial sync: owner lists of ${num(sync?.initial_sync_objects)} objects (${num(plan.sync.pods)} pods) → ready`,
      val(sync?.initial_sync_s, 's'),
      '',
      '',
    ],
    [`arrival → export p50 (window ${windowMs} ms)`, val(lat?.latency_p50_ms, 'ms'), '', ''],
    [
      `arrival → export p99 (window ${windowMs} ms)`,
      val(lat?.latency_p99_ms, 'ms'),
      `≤ ${num(windowMs + TARGET.latencyOverWindowMs)} ms`,
      met(
        has(lat?.latency_p99_ms)
          ? lat.latency_p99_ms <= windowMs + TARGET.latencyOverWindowMs
          : undefined,
      ),
    ],
    [
      'API requests per 1,000 events (rollout)',
      api?.api_requests_per_1000_events == null
        ? 'n/a'
        : `${num(api.api_requests_per_1000_events)} (${num(api.api_events)} events, ${num(api.api_window_s)} s)`,
      '',
      '',
    ],
    [
      'API GETs per 1,000 events',
      api?.api_get_per_1000_events == null ? 'n/a' : num(api.api_get_per_1000_events),
      '0',
      met(
        has(api?.api_get_per_1000_events)
          ? api.api_get_per_1000_events <= TARGET.getsPerEvent
          : undefined,
      ),
    ],
    [
      'API bytes per Pod listed, full / metadata (rollout)',
      api?.api_pod_full_bytes == null
        ? 'n/a'
        : `${num(api.api_pod_full_bytes)} B / ${num(api.api_pod_metadata_bytes)} B`,
      '',
      '',
    ],
    [
      'receiver list decode, with status / metadata only',
      decode
        ? `${num(decode.watch_decode_status_objects_per_s)} / ${num(decode.watch_decode_metadata_objects_per_s)} objects/s`
        : 'n/a',
      '',
      '',
    ],
    [
      'CLI start: slower of --help / validate (median)',
      start
        ? `${num(start.cli_start_ms)} ms (help ${num(start.cli_start_help_ms)}, validate ${num(start.cli_start_validate_ms)})`
        : 'n/a',
      `≤ ${num(TARGET.cliStartMs)} ms`,
      met(has(start?.cli_start_ms) ? start.cli_start_ms <= TARGET.cliStartMs : undefined),
    ],
  ];
  console.log('');
  console.log(table(['figure', 'value', 'target', 'met?'], rows));
  if (api?.reason) console.log(`\nAPI requests: n/a — ${api.reason}`);
  for (const [name, why] of Object.entries(failures)) console.log(`\n${name} failed: ${why}`);

  // a partial run (--only) does not replace the complete results
  const base = selected.size === FIGURES.length ? 'latest' : `only-${[...selected].join('-')}`;
  const latest = resolve(resultsDir, `${base}.json`);
  writeFileSync(latest, JSON.stringify(values, null, 2) + '\n');
  writeFileSync(
    resolve(resultsDir, `${base}.details.json`),
    JSON.stringify(
      {
        quick,
        plan,
        node: process.version,
        cpu: cpus()[0]?.model,
        cpus: cpus().length,
        memory_gib: totalmem() / 2 ** 30,
        load_average_1m_at_start: load,
        targets: TARGET,
        api_reason: api?.reason ?? null,
        api_requests_by_flow_schema: api?.requests ?? null,
        failures,
        results: extra,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${latest} (${values.duration_s} s)`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
