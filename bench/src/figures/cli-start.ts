import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../lib/child.js';
import { median } from '../lib/stats.js';

// How long a user waits for the CLI: the real `kspan --help` and `kspan validate --config
// config/jaeger.yaml` processes, started N times each, alternating (so that a burst of load on a
// shared machine touches both). Wall time from spawn to exit; CPU (user + sys) of the child from
// /usr/bin/time when it exists, since Node does not report a child's CPU time.

export interface CliStartArgs {
  runs: number;
}

export interface CliStartResult {
  /** The larger of the two medians: what the start-up target is held against. */
  cli_start_ms: number;
  cli_start_help_ms: number;
  cli_start_validate_ms: number;
  cli_start_help_cpu_ms: number | null;
  cli_start_validate_cpu_ms: number | null;
  cli_start_runs: number;
}

const KSPAN_BIN = resolve(REPO_ROOT, 'packages/kspan/dist/bin/kspan.js');
const TIME_BIN = '/usr/bin/time';
const COMMANDS = {
  help: ['--help'],
  validate: ['validate', '--config', 'config/jaeger.yaml'],
} as const;

interface Sample {
  wallMs: number;
  cpuMs: number | null;
}

function runOnce(args: readonly string[], timeFile: string): Sample {
  const withTime = existsSync(TIME_BIN);
  const [cmd, argv] = withTime
    ? [TIME_BIN, ['-f', '%U %S', '-o', timeFile, process.execPath, KSPAN_BIN, ...args]]
    : [process.execPath, [KSPAN_BIN, ...args]];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`kspan ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`);
  if (!withTime) return { wallMs, cpuMs: null };
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  const cpuMs = ((user ?? NaN) + (sys ?? NaN)) * 1000;
  return { wallMs, cpuMs: Number.isFinite(cpuMs) ? cpuMs : null };
}

const medianOrNull = (values: (number | null)[]) =>
  values.every((v): v is number => v !== null) ? median(values) : null;

export function cliStart({ runs }: CliStartArgs): CliStartResult {
  if (!existsSync(KSPAN_BIN)) throw new Error(`${KSPAN_BIN} not found: run pnpm build first`);
  const dir = mkdtempSync(join(tmpdir(), 'kspan-cli-start-'));
  try {
    const samples = { help: [] as Sample[], validate: [] as Sample[] };
    runOnce(COMMANDS.help, join(dir, 'time')); // warm the file cache; not counted
    for (let i = 0; i < runs; i++)
      for (const name of ['help', 'validate'] as const)
        samples[name].push(runOnce(COMMANDS[name], join(dir, 'time')));
    const help = median(samples.help.map((s) => s.wallMs));
    const validate = median(samples.validate.map((s) => s.wallMs));
    return {
      cli_start_ms: Math.max(help, validate),
      cli_start_help_ms: help,
      cli_start_validate_ms: validate,
      cli_start_help_cpu_ms: medianOrNull(samples.help.map((s) => s.cpuMs)),
      cli_start_validate_cpu_ms: medianOrNull(samples.validate.map((s) => s.cpuMs)),
      cli_start_runs: runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
