// The kspan image (`pnpm image:build` → localhost/kspan:dev) run with podman as a kubelet would run
// its pod: host network (the e2e peers are on 127.0.0.1), read-only root filesystem, uid 65532, no
// capabilities, the ServiceAccount's token, ca.crt and namespace mounted where the kubelet puts
// them, KUBERNETES_SERVICE_HOST/PORT set, the pipeline config mounted at /etc/kspan. No kubeconfig.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO, suiteEnv } from './lib/env.js';
import { jaegerTraces } from './lib/jaeger.js';
import { apply, kubectl, type KubeObj } from './lib/kubectl.js';
import { expectPath } from './lib/scenarios.js';
import { settleDeployment } from './lib/settle.js';
import { expectTrace } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, deployment } from './lib/workloads.js';

export const IMAGE = process.env.KSPAN_IMAGE ?? 'localhost/kspan:dev';
export const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
export const NODE = '/nodejs/bin/node';

/** podman as it works on these hosts (scripts/image-podman.sh says why: runc, cgroupfs, ulimits). */
function containersConf(): string {
  const file =
    process.env.KSPAN_CONTAINERS_CONF ?? join(homedir(), '.cache/kspan-image/containers.conf');
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '[containers]\ndefault_ulimits = []\n');
  }
  return file;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function podman(args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      'podman',
      ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs', ...args],
      {
        encoding: 'utf8',
        timeout: timeoutMs,
        maxBuffer: 64 << 20,
        env: { ...process.env, CONTAINERS_CONF: containersConf() },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Fails with what to do when the image was not built. */
export async function requireImage(): Promise<void> {
  const r = await podman(['image', 'exists', IMAGE]);
  if (r.code !== 0)
    throw new Error(`${IMAGE} is not in podman's storage: build it with \`pnpm image:build\``);
}

/** Server host and port of the e2e API server, as the kubelet would set them. */
export function serviceHostPort(): { host: string; port: string } {
  const url = new URL(suiteEnv().APISERVER_URL);
  return { host: url.hostname, port: url.port || '443' };
}

/** The e2e cluster's CA certificate (PEM), from the admin kubeconfig. */
async function clusterCa(): Promise<string> {
  const raw = await kubectl([
    'config',
    'view',
    '--raw',
    '--minify',
    '-o',
    'jsonpath={.clusters[0].cluster.certificate-authority}{"|"}{.clusters[0].cluster.certificate-authority-data}',
  ]);
  const [file, data] = raw.stdout.split('|');
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readFile(file, 'utf8');
  throw new Error('the e2e kubeconfig has no certificate authority');
}

/** A bound token (TokenRequest) for `sa`, optionally bound to a Secret: deleting it revokes the token. */
export async function requestToken(ns: string, sa: string, boundSecret?: string): Promise<string> {
  const args = ['-n', ns, 'create', 'token', sa, '--duration=1h'];
  if (boundSecret) args.push('--bound-object-kind=Secret', `--bound-object-name=${boundSecret}`);
  return (await kubectl(args)).stdout.trim();
}

/**
 * The directory the kubelet projects for a pod's ServiceAccount: token, ca.crt, namespace,
 * readable by the container's non-root user. `swapToken` replaces the token the way the kubelet
 * does (a new file renamed over the old one).
 */
export class ServiceAccountDir {
  private constructor(readonly dir: string) {}

  static async create(ns: string, token: string): Promise<ServiceAccountDir> {
    const dir = mkdtempSync(join(tmpdir(), 'kspan-e2e-sa-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'ca.crt'), await clusterCa(), { mode: 0o644 });
    writeFileSync(join(dir, 'namespace'), ns, { mode: 0o644 });
    writeFileSync(join(dir, 'token'), token, { mode: 0o644 });
    return new ServiceAccountDir(dir);
  }

  /** Deletes the files (the token is a credential). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  swapToken(token: string): void {
    writeFileSync(join(this.dir, 'token.new'), token, { mode: 0o644 });
    renameSync(join(this.dir, 'token.new'), join(this.dir, 'token'));
  }
}

// The YAML parser kspan itself uses (a dependency of the kspan package, not of the e2e suite).
const yaml = createRequire(join(REPO, 'packages/kspan/package.json'))('yaml') as {
  parse: (text: string) => unknown;
  parseAllDocuments: (text: string) => Array<{ toJSON: () => unknown }>;
};
export const parseYaml = (text: string): unknown => yaml.parse(text);

/** Multi-document YAML (a render) → its objects. */
export function yamlObjects(text: string): KubeObj[] {
  return yaml
    .parseAllDocuments(text)
    .map((d) => d.toJSON() as KubeObj | null)
    .filter((o): o is KubeObj => !!o && typeof o === 'object');
}

/** The objects `kubectl apply -k <dir>` would apply (rendered, nothing sent to the server). */
export async function renderKustomize(dir: string): Promise<KubeObj[]> {
  return yamlObjects((await kubectl(['kustomize', dir])).stdout);
}

export interface ContainerOptions {
  name: string;
  /** The pipeline config, mounted read-only as /etc/kspan/config.yaml. */
  config: string;
  sa: ServiceAccountDir;
  /** The port of the config's telemetry address (host network). */
  metricsPort: number;
  /** Added to KUBERNETES_SERVICE_HOST/PORT; OTLP_ENDPOINT (what deploy/'s config reads) defaults to the e2e Jaeger. */
  env?: Record<string, string>;
}

/** One kspan container, started detached; `stop` is `podman stop -t 30` and returns the exit code. */
export class KspanContainer {
  private constructor(
    readonly name: string,
    readonly metricsUrl: string,
    private readonly configDir: string,
    private readonly sa: ServiceAccountDir,
  ) {}

  static async start(o: ContainerOptions): Promise<KspanContainer> {
    const configDir = mkdtempSync(join(tmpdir(), 'kspan-e2e-config-'));
    chmodSync(configDir, 0o755);
    writeFileSync(join(configDir, 'config.yaml'), o.config, { mode: 0o644 });
    const { host, port } = serviceHostPort();
    const env = {
      KUBERNETES_SERVICE_HOST: host,
      KUBERNETES_SERVICE_PORT: port,
      OTLP_ENDPOINT: suiteEnv().JAEGER_OTLP_GRPC,
      ...o.env,
    };
    await podman(['rm', '-f', o.name]);
    const r = await podman([
      'run',
      '-d',
      '--name',
      o.name,
      '--network',
      'host',
      '--read-only',
      // a pod's readOnlyRootFilesystem has no writable /tmp either
      '--read-only-tmpfs=false',
      // the pod's `state` emptyDir: the exporters' delivery ledger (storage.directory)
      '--tmpfs',
      '/var/lib/kspan:rw,size=128m,mode=1777',
      '--user',
      '65532:65532',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '-v',
      `${o.sa.dir}:${SA_MOUNT}:ro`,
      '-v',
      `${configDir}:/etc/kspan:ro`,
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      IMAGE,
    ]);
    if (r.code !== 0) throw new Error(`podman run ${o.name} failed: ${r.stderr.trim()}`);
    return new KspanContainer(o.name, `http://127.0.0.1:${o.metricsPort}`, configDir, o.sa);
  }

  async logs(): Promise<string> {
    const r = await podman(['logs', this.name]);
    return r.stdout + r.stderr;
  }

  async tail(lines = 40): Promise<string> {
    const text = (await this.logs()).trimEnd().split('\n').slice(-lines).join('\n');
    return `--- container ${this.name}, last ${lines} log lines:\n${text}`;
  }

  async running(): Promise<boolean> {
    const r = await podman(['inspect', '--format', '{{.State.Running}}', this.name]);
    return r.stdout.trim() === 'true';
  }

  /** Runs a Node script inside the container (there is no shell to run anything else). */
  exec(script: string): Promise<RunResult> {
    return podman(['exec', this.name, NODE, '-e', script]);
  }

  /**
   * The HTTP status the API server answers for `path` to a request made from inside the container
   * with its own mounted credentials (token and ca.crt), as any process in the pod could.
   */
  async apiStatus(path: string): Promise<string> {
    const r = await this.exec(
      `const fs = require('fs');
       require('https').request({ host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT,
         path: ${JSON.stringify(path)}, ca: fs.readFileSync('${SA_MOUNT}/ca.crt'),
         headers: { Authorization: 'Bearer ' + fs.readFileSync('${SA_MOUNT}/token', 'utf8') } },
         (res) => { console.log(res.statusCode); res.resume(); })
         .on('error', (e) => console.log('error ' + e.message)).end();`,
    );
    return r.stdout.trim() || r.stderr.trim();
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    await waitUntil(
      `container ${this.name} /readyz = 200`,
      async () => {
        if (!(await this.running())) throw new Error(`container ${this.name} is not running`);
        const r = await fetch(`${this.metricsUrl}/readyz`).catch(() => undefined);
        return r?.status === 200;
      },
      { timeoutMs, intervalMs: 500, detail: () => this.tail() },
    );
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.metricsUrl}/metrics`)).text();
  }

  /** `podman stop -t 30` (SIGTERM, then SIGKILL after 30 s); returns the container's exit code. */
  async stop(): Promise<number> {
    const r = await podman(['stop', '-t', '30', this.name], 60_000);
    if (r.code !== 0) throw new Error(`podman stop ${this.name}: ${r.stderr.trim()}`);
    const code = await podman(['inspect', '--format', '{{.State.ExitCode}}', this.name]);
    return Number(code.stdout.trim());
  }

  /** Removes the container, its config and its ServiceAccount files. */
  async remove(): Promise<void> {
    await podman(['rm', '-f', this.name]);
    rmSync(this.configDir, { recursive: true, force: true });
    this.sa.remove();
  }
}

/** The sum of a counter's samples whose labels include all of `labels`. */
export function counterSum(metrics: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export const DEPLOY_BASE = join(REPO, 'deploy/base');

/** A rollout of `name` in `ns`, then its trace in Jaeger: Deployment → ReplicaSet → Pod. */
export async function rolloutTraced(
  ns: string,
  name: string,
  beforeTrace?: () => Promise<void>,
): Promise<void> {
  await apply(ns, deployment(name, { image: IMAGE_1, replicas: 1 }));
  const events = await settleDeployment(ns, name, IMAGE_1, 1);
  await beforeTrace?.();
  const uids = new Set(events.map((e) => e.uid));
  const t = await expectTrace({
    read: jaegerTraces,
    ns,
    select: (all) => all.filter((e) => uids.has(e.uid)),
    root: { service: 'kubectl-client-side-apply', name: 'Deployment.Update', object: name },
    timeoutMs: 90_000,
  });
  expectPath(t, [
    { name: 'Deployment.Update', service: 'kubectl-client-side-apply' },
    { name: 'Deployment.ScalingReplicaSet', service: 'deployment-controller' },
    { name: 'ReplicaSet.SuccessfulCreate', service: 'replicaset-controller' },
    { name: 'Pod.Started' },
  ]);
  expect(t.spans.length).to.be.above(0);
}
