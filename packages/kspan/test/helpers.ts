import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { kspanCasesDir } from '@kspan/testing';

export { kspanCasesDir };

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO, 'packages/kspan/dist/bin/kspan.js');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kspan-test-'));
}

/** Writes a generated workload capture (the bench's generator, `bench/src/gen.ts`) to `out`. */
export function generateCapture(out: string, genArgs: string[]): void {
  const gen = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/src/gen.ts', ...genArgs, '--out', out],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`bench/src/gen.ts failed: ${gen.stderr}`);
}

/**
 * `kspan replay FILE --format otlp-json` into a reader that does not read for `pauseMs` (the pipe
 * fills), then reads everything: the exit code, standard error and the output text.
 */
export async function replayIntoSlowReader(
  capture: string,
  pauseMs: number,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [CLI, 'replay', capture, '--format', 'otlp-json'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdout.pause();
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stdout.resume(); // paused explicitly above: a 'data' listener alone does not resume it
  const code = await exited;
  return { code, stderr, stdout: Buffer.concat(chunks).toString('utf8') };
}

/** Runs the built CLI to completion. */
export function kspan(args: string[], env: Record<string, string> = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the built CLI and hands back the child process. */
export function startKspan(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

/** The 20-span capture of a 2-pod Deployment rollout the `run` tests replay. */
export const ROLLOUT_CAPTURE = (): string =>
  join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson');

/** What a replay config holds beyond `k8s_capture` of ROLLOUT_CAPTURE → `causality`. */
export interface ReplayConfigOptions {
  /** One YAML line each, `id: {…}`; the pipeline lists them in this order. */
  exporters: string[];
  /** More `k8s_capture` settings, e.g. `speed: 1`. */
  capture?: string;
  /** `causality` settings, e.g. `window: 5s`. */
  causality?: string;
  /** More `service` lines, e.g. `shutdown_timeout: 1s`. */
  service?: string[];
  /** `service.telemetry.logs.level: info` (the tests read kspan's log). */
  infoLogs?: boolean;
}

/** A config replaying ROLLOUT_CAPTURE through `causality` into `exporters`. */
export function replayConfigText(o: ReplayConfigOptions): string {
  const ids = o.exporters.map((e) => e.slice(0, e.indexOf(':')).trim());
  return `receivers:
  k8s_capture: { path: ${ROLLOUT_CAPTURE()}${o.capture ? `, ${o.capture}` : ''} }
processors:
  causality: { ${o.causality ?? ''} }
exporters:
${o.exporters.map((e) => `  ${e}\n`).join('')}service:
${(o.service ?? []).map((l) => `  ${l}\n`).join('')}  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [${ids.join(', ')}] }
${o.infoLogs ? '  telemetry: { logs: { level: info } }\n' : ''}`;
}

/** `replayConfigText` written to a temp file, for `kspan run --config`; returns its path. */
export function replayConfig(o: ReplayConfigOptions): string {
  const file = join(tempDir(), 'run.yaml');
  writeFileSync(file, replayConfigText(o));
  return file;
}
