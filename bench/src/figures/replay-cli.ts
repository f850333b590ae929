// Figure: the real `kspan replay FILE --format otlp-json` process (built dist/, output to a file),
// against reading and `JSON.parse`-ing the same file in this process, interleaved (parse, replay,
// parse, …; medians). Wall time, CPU and peak RSS of the child come from /usr/bin/time (Node does
// not report a child's). Run as a child by main.ts:
//   node --expose-gc --import tsx bench/src/figures/replay-cli.ts '{"events":100000}'
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, childMain, fullGc, progress } from '../lib/child.js';
import { parseOnlyFile, writeInputFile } from '../lib/input.js';
import { cpuSeconds, median } from '../lib/stats.js';

export interface ReplayCliArgs {
  events: number;
  seed?: number;
  /** Timed replays (parse-only runs one more time, around each). */
  runs?: number;
}

export interface ReplayCliResult {
  /**
   * Lines per CPU-second of the kspan process (user + sys): what one core does, the figure the
   * target is held against (wall-clock rates on a shared machine say more about the neighbours).
   * The wall-clock rate when /usr/bin/time is missing.
   */
  replay_cli_events_per_s: number;
  replay_cli_wall_events_per_s: number;
  /** Lines per CPU-second of reading and JSON.parse-ing the same file in this process. */
  replay_cli_parse_only_events_per_s: number;
  replay_cli_ratio_to_parse: number;
  /**
   * Peak resident memory of the kspan process (largest of the runs), in MB (10^6 bytes) as the
   * target is written; `time` reports KiB.
   */
  replay_peak_rss_mb: number | null;
  replay_cli_input_events: number;
  replay_cli_input_mb: number;
  replay_cli_output_mb: number;
  replay_cli_runs: number;
}

const KSPAN_BIN = resolve(REPO_ROOT, 'packages/kspan/dist/bin/kspan.js');
const TIME_BIN = '/usr/bin/time';

interface Replay {
  seconds: number;
  cpuSeconds: number | null;
  maxRssKb: number | null;
}

function replayOnce(input: string, output: string, timeFile: string): Replay {
  const withTime = existsSync(TIME_BIN);
  const args = [KSPAN_BIN, 'replay', input, '--format', 'otlp-json'];
  const [cmd, argv] = withTime
    ? [TIME_BIN, ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...args]]
    : [process.execPath, args];
  const out = openSync(output, 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { cwd: REPO_ROOT, stdio: ['ignore', out, 'pipe'] });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0)
      throw new Error(`kspan replay exited ${r.status}: ${r.stderr.toString().trim()}`);
    if (!withTime) return { seconds, cpuSeconds: null, maxRssKb: null };
    const [user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
    return { seconds, cpuSeconds: (user ?? NaN) + (sys ?? NaN), maxRssKb: rss ?? null };
  } finally {
    closeSync(out);
  }
}

async function run(args: ReplayCliArgs): Promise<ReplayCliResult> {
  if (!existsSync(KSPAN_BIN)) throw new Error(`${KSPAN_BIN} not found: run pnpm build first`);
  const runs = args.runs ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'kspan-bench-replay-'));
  try {
    const input = join(dir, 'capture.ndjson');
    const output = join(dir, 'out.otlp.jsonl');
    progress(`replay: writing ${args.events.toLocaleString('en')} watch events to a capture file`);
    const { lines, bytes } = writeInputFile(input, { events: args.events, seed: args.seed ?? 1 });
    parseOnlyFile(input); // warm the file cache and the parse path
    const parseRates: number[] = [];
    const parseOnce = async () => {
      const cpu = process.cpuUsage();
      const n = parseOnlyFile(input);
      parseRates.push(n / cpuSeconds(cpu));
      await fullGc();
    };
    const replays: Replay[] = [];
    await parseOnce();
    for (let i = 0; i < runs; i++) {
      progress(`replay: kspan replay --format otlp-json, run ${i + 1}/${runs}`);
      replays.push(replayOnce(input, output, join(dir, 'time')));
      await parseOnce();
    }
    const wallRate = median(replays.map((r) => lines / r.seconds));
    const cpuRates = replays.map((r) => (r.cpuSeconds ? lines / r.cpuSeconds : null));
    const rate = cpuRates.every((v) => v !== null) ? median(cpuRates) : wallRate;
    const parseRate = median(parseRates);
    const rss = replays.map((r) => r.maxRssKb);
    return {
      replay_cli_events_per_s: rate,
      replay_cli_wall_events_per_s: wallRate,
      replay_cli_parse_only_events_per_s: parseRate,
      replay_cli_ratio_to_parse: rate / parseRate,
      replay_peak_rss_mb: rss.every((v) => v !== null) ? (Math.max(...rss) * 1024) / 1e6 : null,
      replay_cli_input_events: lines,
      replay_cli_input_mb: bytes / 2 ** 20,
      replay_cli_output_mb: statSync(output).size / 2 ** 20,
      replay_cli_runs: runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

childMain(run);
