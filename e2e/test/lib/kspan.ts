// kspan as a child process: the built CLI (`kspan run --config FILE`), started with a temp config,
// ready when its /readyz answers 200, stopped with SIGTERM (a clean stop exits 0).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO, suiteEnv } from './env.js';
import { waitUntil } from './wait.js';

/** A port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface LiveConfigOptions {
  namespaces: string[];
  exporter: 'otlp' | 'zipkin';
  metricsPort: number;
  /** Causality window: how long an event waits for its parent. */
  window?: string;
  /** More `k8s_events` settings (e.g. `max_age`). */
  receiver?: Record<string, unknown>;
  /** The exporter's delivery-ledger directory (`storage.directory`): a restart sends no span twice. */
  storage?: string;
}

/**
 * The pipeline the suite runs: `k8s_events` (only the test's namespaces) → `causality` → one
 * exporter. Jaeger and Zipkin differ in the exporter block only.
 */
export function liveConfig(o: LiveConfigOptions): string {
  const env = suiteEnv();
  const sending = {
    batch: { timeout: '200ms' },
    ...(o.storage ? { storage: { directory: o.storage } } : {}),
  };
  const exporters =
    o.exporter === 'otlp'
      ? { otlp: { endpoint: env.JAEGER_OTLP_GRPC, tls: { insecure: true }, ...sending } }
      : { zipkin: { endpoint: `${env.ZIPKIN_URL}/api/v2/spans`, ...sending } };
  return pipelineConfig({ ...o, exporters });
}

/**
 * `k8s_events` (only `namespaces`) → `causality` → every exporter of `exporters`, in its key order,
 * with /metrics on `metricsPort`. JSON is YAML, so it is written as is.
 */
export function pipelineConfig(o: {
  namespaces: string[];
  exporters: Record<string, unknown>;
  metricsPort: number;
  /** Causality window: how long an event waits for its parent (2s). */
  window?: string;
  /** More `k8s_events` settings (e.g. `max_age`). */
  receiver?: Record<string, unknown>;
}): string {
  return JSON.stringify(
    {
      receivers: { k8s_events: { namespaces: o.namespaces, ...o.receiver } },
      processors: { causality: { window: o.window ?? '2s' } },
      exporters: o.exporters,
      service: {
        pipelines: {
          traces: {
            receivers: ['k8s_events'],
            processors: ['causality'],
            exporters: Object.keys(o.exporters),
          },
        },
        telemetry: {
          metrics: { address: `127.0.0.1:${o.metricsPort}` },
          logs: { level: 'info', format: 'json' },
        },
      },
    },
    null,
    2,
  );
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class KspanProcess {
  private exitCode: number | null | undefined = undefined;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
    readonly metricsUrl: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      }),
    );
  }

  /**
   * Starts `kspan run --config <configText written to a temp file>`. `metricsPort` must be the port
   * of the config's telemetry address. `env` is added to the environment (KUBECONFIG defaults to the
   * e2e cluster's admin kubeconfig).
   */
  static start(
    name: string,
    configText: string,
    metricsPort: number,
    env: Record<string, string> = {},
  ): KspanProcess {
    const dir = mkdtempSync(join(tmpdir(), `kspan-e2e-${name}-`));
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, configText);
    const logFile = join(dir, 'kspan.log');
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: suiteEnv().KUBECONFIG, ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    // A child left running by a failed test must neither keep mocha alive nor outlive it.
    child.unref();
    live.add(child);
    child.once('exit', () => live.delete(child));
    return new KspanProcess(name, child, logFile, `http://127.0.0.1:${metricsPort}`);
  }

  /** `start`, then waits until ready; stops it again when it does not get there. */
  static async startReady(
    name: string,
    configText: string,
    metricsPort: number,
    env: Record<string, string> = {},
  ): Promise<KspanProcess> {
    const kspan = KspanProcess.start(name, configText, metricsPort, env);
    try {
      await kspan.waitReady();
    } catch (err) {
      await kspan.stop(); // never leave a child behind (it would also keep mocha from exiting)
      throw err;
    }
    return kspan;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  logs(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last lines of the log, for failure messages. */
  tail(lines = 40): string {
    return `--- kspan ${this.name} log (${this.logFile}), last ${lines} lines:\n${this.logs()
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n')}`;
  }

  /** Waits until /readyz answers 200 (every receiver listed and watching). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      `kspan ${this.name} /readyz = 200`,
      async () => {
        if (!this.running)
          throw new Error(`kspan exited (code ${this.exitCode}, signal ${this.exitSignal})`);
        const r = await fetch(`${this.metricsUrl}/readyz`).catch(() => undefined);
        return r?.status === 200;
      },
      { timeoutMs, intervalMs: 250, detail: () => this.tail() },
    );
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.metricsUrl}/metrics`)).text();
  }

  /** For a failure message: its counts (causality, exporter, receiver, watches), then its log's tail. */
  async diagnosis(): Promise<string> {
    const metrics = await this.metrics().catch((err: Error) => `metrics: ${err.message}`);
    const counts = metrics
      .split('\n')
      .filter((l) =>
        /^kspan_(causality|exporter_spans|receiver_items|watch_live|watch_restarts)/.test(l),
      );
    return `${counts.join('\n')}\n${this.tail(30)}`;
  }

  /** SIGTERM and wait for the exit; returns the exit code (null when killed by a signal). */
  async stop(timeoutMs = 40_000): Promise<number | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exitCode ?? null;
  }
}
