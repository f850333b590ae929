// What the fault tests share: a pipeline that writes every span to a `file` exporter next to the
// backends (the ground truth of what kspan produced), reading that file back, stopping and starting
// a peer of the shared environment, and reading kspan's counters.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { REPO, suiteEnv } from './env.js';
import { KspanProcess, freePort, pipelineConfig } from './kspan.js';
import { waitUntil } from './wait.js';

export type Backend = 'otlp' | 'zipkin';

/** `k8s_events` (the test's namespaces) → `causality` → the backends and `file` (ground truth). */
export function faultsConfig(o: {
  namespaces: string[];
  backends: Backend[];
  file: string;
  metricsPort: number;
  /** Longest wait between retries: short, so that a backend back up is reached soon. */
  maxRetryInterval?: string;
  /** How long a span waits for its batch to fill in the backend exporters (200ms). */
  batchTimeout?: string;
  /** The backend exporters' delivery-ledger directory (`storage.directory`). */
  storage?: string;
}): string {
  const env = suiteEnv();
  const sending = {
    batch: { timeout: o.batchTimeout ?? '200ms' },
    retry: { max_interval: o.maxRetryInterval ?? '5s', max_elapsed: '5m' },
    ...(o.storage ? { storage: { directory: o.storage } } : {}),
  };
  const exporters: Record<string, unknown> = {};
  if (o.backends.includes('otlp'))
    exporters.otlp = { endpoint: env.JAEGER_OTLP_GRPC, tls: { insecure: true }, ...sending };
  if (o.backends.includes('zipkin'))
    exporters.zipkin = { endpoint: `${env.ZIPKIN_URL}/api/v2/spans`, ...sending };
  exporters.file = { path: o.file };
  return pipelineConfig({ namespaces: o.namespaces, exporters, metricsPort: o.metricsPort });
}

/** Starts kspan with `faultsConfig` and waits until it is ready. */
export async function startFaultsPipeline(
  name: string,
  o: Omit<Parameters<typeof faultsConfig>[0], 'metricsPort'>,
): Promise<{ kspan: KspanProcess; config: string; port: number }> {
  const port = await freePort();
  const config = faultsConfig({ ...o, metricsPort: port });
  return { kspan: await KspanProcess.startReady(name, config, port), config, port };
}

/** One span as the `file` exporter wrote it (OTLP/JSON), with what the checks need. */
export interface FileSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  statusMessage?: string;
  /** 0-based line of the file (one line per exported batch). */
  line: number;
}

interface OtlpJsonValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpJsonLine {
  resourceSpans: Array<{
    scopeSpans: Array<{
      spans: Array<{
        traceId: string;
        spanId: string;
        name: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: Array<{ key: string; value: OtlpJsonValue }>;
        status?: { message?: string };
      }>;
    }>;
  }>;
}

const plain = (v: OtlpJsonValue): unknown =>
  v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;

/** Every span in a `file` exporter's output (none when the file does not exist yet). */
export function fileSpans(path: string): FileSpan[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  // The last line may be half-written: only complete lines count.
  if (!lines[lines.length - 1]?.endsWith('}')) lines.pop();
  return lines.flatMap((text, line) =>
    text.trim() === ''
      ? []
      : (JSON.parse(text) as OtlpJsonLine).resourceSpans.flatMap((rs) =>
          rs.scopeSpans.flatMap((ss) =>
            ss.spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.name,
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: s.endTimeUnixNano,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map((a) => [a.key, plain(a.value)]),
              ),
              ...(s.status?.message ? { statusMessage: s.status.message } : {}),
              line,
            })),
          ),
        ),
  );
}

/** Lines the `file` exporter has completed so far. */
export function fileLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}')).length;
}

/**
 * Runs lib.sh's `stop_peer <peer>` (SIGTERM to its process group, SIGKILL after the grace) or the
 * environment's `cmd/<peer>.sh` (start and wait until ready), under the environment's lock as
 * restart-peer.sh does. Other helpers' tests share these peers: keep outages short.
 */
export function peerControl(action: 'stop' | 'start', peer: 'jaeger' | 'zipkin'): string {
  const env = suiteEnv();
  const run = env.E2E_RUN_DIR;
  const body =
    action === 'stop'
      ? `source ${JSON.stringify(`${REPO}/e2e/scripts/lib.sh`)}; stop_peer ${peer}`
      : `bash ${JSON.stringify(`${env.E2E_CMD_DIR}/${peer}.sh`)}`;
  const script = `set -euo pipefail
export KSPAN_E2E_RUN_DIR=${JSON.stringify(run)}
exec 9>${JSON.stringify(`${run}/.lock`)}
flock -w 300 9
${body}`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0)
    throw new Error(`${action} ${peer} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** The sum of a counter's series whose labels include all of `labels` (0 when none). */
export function counter(
  metricsText: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).some(([k, v]) => !line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** SIGKILL, and wait for the exit. */
export async function killHard(k: KspanProcess): Promise<void> {
  k.child.kill('SIGKILL');
  await waitUntil(`kspan ${k.name} to die`, () => !k.running, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
}
