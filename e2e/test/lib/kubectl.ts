// kubectl against the e2e cluster (the built kubectl from e2e/.run/env), and the cluster's own record
// of what happened: its Events, read back as the ground truth the traces are checked against.
import { execFile, spawn } from 'node:child_process';
import { suiteEnv } from './env.js';
import { waitUntil } from './wait.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  input?: string;
  /** A kubeconfig other than the environment's admin one. */
  kubeconfig?: string;
  /** Resolve with the exit code instead of rejecting on failure. */
  allowFail?: boolean;
  timeoutMs?: number;
}

export function kubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const env = suiteEnv();
  const argv = ['--kubeconfig', opts.kubeconfig ?? env.KUBECONFIG, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      env.KUBECTL,
      argv,
      { encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        if (code !== 0 && !opts.allowFail)
          reject(new Error(`kubectl ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`));
        else resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export async function kubectlJson<T>(args: string[], opts: KubectlOptions = {}): Promise<T> {
  const r = await kubectl([...args, '-o', 'json'], opts);
  return JSON.parse(r.stdout) as T;
}

/** `kubectl apply -f -` (client-side apply, as a user would type it) in a namespace. */
export function apply(ns: string, yaml: string): Promise<KubectlResult> {
  return kubectl(['-n', ns, 'apply', '-f', '-'], { input: yaml });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Creates a namespace `<prefix>-<purpose>-<random>` (prefix `e2e` by default) and waits for its
 * `default` ServiceAccount (the ServiceAccount admission plugin refuses pods until the
 * controller-manager has made it).
 */
export async function createNamespace(
  purpose: string,
  labels: Record<string, string> = {},
  prefix = 'e2e',
): Promise<string> {
  const ns = uniqueName(`${prefix}-${purpose}`);
  await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } }),
  });
  await waitUntil(
    `ServiceAccount ${ns}/default`,
    async () =>
      (await kubectl(['-n', ns, 'get', 'serviceaccount', 'default'], { allowFail: true })).code ===
      0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  return ns;
}

export async function deleteNamespace(ns: string | undefined): Promise<void> {
  if (!ns) return;
  await kubectl(['delete', 'namespace', ns, '--wait=false'], { allowFail: true });
}

export async function rolloutStatus(ns: string, ref: string, timeoutS = 120): Promise<void> {
  await kubectl(['-n', ns, 'rollout', 'status', ref, `--timeout=${timeoutS}s`], {
    timeoutMs: (timeoutS + 10) * 1000,
  });
}

// ---------------------------------------------------------------- objects

export interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
  managedFields?: Array<{
    manager: string;
    operation: string;
    time: string;
    subresource?: string;
    fieldsV1?: Record<string, unknown>;
  }>;
  deletionTimestamp?: string;
}

export interface KubeObj {
  kind: string;
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export async function list(ns: string, resource: string): Promise<KubeObj[]> {
  const l = await kubectlJson<{ items: KubeObj[] }>(['-n', ns, 'get', resource]);
  return l.items;
}

export interface PodInfo {
  name: string;
  uid: string;
  phase: string;
  image: string;
  owner: string;
  deleting: boolean;
}

export async function pods(ns: string): Promise<PodInfo[]> {
  return (await list(ns, 'pods')).map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    phase: String(p.status?.phase ?? ''),
    image: String(
      ((p.spec?.containers as Array<{ image: string }> | undefined) ?? [])[0]?.image ?? '',
    ),
    owner: p.metadata.ownerReferences?.find((o) => o.controller)?.name ?? '',
    deleting: p.metadata.deletionTimestamp !== undefined,
  }));
}

/**
 * The newest writer of `spec` in an object's managedFields (manager, operation): what the causality
 * processor names a synthesised root span after (`<manager> <Kind>.<operation>`).
 */
export function specWriter(o: KubeObj): { manager: string; operation: string } {
  let best: { manager: string; operation: string; t: number } | undefined;
  for (const f of o.metadata.managedFields ?? []) {
    if (!f.fieldsV1 || !('f:spec' in f.fieldsV1)) continue;
    const t = Date.parse(f.time);
    if (!best || t >= best.t) best = { manager: f.manager, operation: f.operation, t };
  }
  if (!best) throw new Error(`${o.kind} ${o.metadata.name} has no managedFields entry for spec`);
  return { manager: best.manager, operation: best.operation };
}

// ---------------------------------------------------------------- events (ground truth)

/** One Event as the API server holds it, reduced to what a span is checked against. */
export interface ClusterEvent {
  uid: string;
  rv: number;
  kind: string;
  objName: string;
  objUid: string;
  reason: string;
  message: string;
  type: string;
  /** `source.component`, else `reportingComponent`: the span's service. */
  component: string;
  count: number;
  /** Time of the first occurrence (µs) and whether it has only whole seconds. */
  t: number;
  coarse: boolean;
  /** Time of the latest occurrence (the same as `t` for an event seen once). */
  lastT: number;
  lastCoarse: boolean;
}

interface RawEvent {
  metadata: { name?: string; uid: string; resourceVersion: string; creationTimestamp?: string };
  involvedObject: { kind: string; name: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string };
  reportingComponent?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  eventTime?: string | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
}

function parseTime(v: string | null | undefined): { us: number; coarse: boolean } | undefined {
  if (!v) return undefined;
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(v);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!m[2]) return { us: ms * 1000, coarse: true };
  return { us: ms * 1000 + Number((m[2] + '000000').slice(0, 6)), coarse: false };
}

/**
 * client-go names an Event `<object>.<its creation time in Unix ns, hex>`: the first occurrence's
 * time below the whole second that `firstTimestamp`/`lastTimestamp` keep. Used when it falls in
 * that second (a name of another shape, or another clock, leaves the time coarse).
 */
function precise(
  time: { us: number; coarse: boolean },
  name: string | undefined,
): { us: number; coarse: boolean } {
  const hex = name && /\.([0-9a-f]{16})$/.exec(name)?.[1];
  if (!time.coarse || !hex) return time;
  const us = Number(BigInt(`0x${hex}`) / 1000n);
  return us >= time.us && us < time.us + 1_000_000 ? { us, coarse: false } : time;
}

function toClusterEvent(e: RawEvent): ClusterEvent {
  const count = e.series?.count ?? e.count ?? 1;
  // The first occurrence's time. For an event seen once, the order the processor reads times in
  // (shared/conformance/README.md); a repeated event's first occurrence is eventTime / firstTimestamp.
  const candidates =
    count > 1
      ? [e.eventTime, e.firstTimestamp, e.metadata.creationTimestamp]
      : [
          e.series?.lastObservedTime,
          e.lastTimestamp,
          e.eventTime,
          e.firstTimestamp,
          e.metadata.creationTimestamp,
        ];
  const time = precise(
    candidates.map(parseTime).find((x) => x !== undefined) ?? { us: 0, coarse: true },
    e.metadata.name,
  );
  const last =
    count > 1
      ? ([e.series?.lastObservedTime, e.lastTimestamp]
          .map(parseTime)
          .find((x) => x !== undefined) ?? time)
      : time;
  return {
    uid: e.metadata.uid,
    rv: Number(e.metadata.resourceVersion),
    kind: e.involvedObject.kind,
    objName: e.involvedObject.name,
    objUid: e.involvedObject.uid ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
    type: e.type ?? 'Normal',
    component: e.source?.component || e.reportingComponent || 'unknown',
    count,
    t: time.us,
    coarse: time.coarse,
    lastT: last.us,
    lastCoarse: last.coarse,
  };
}

export async function clusterEvents(ns: string): Promise<ClusterEvent[]> {
  const l = await kubectlJson<{ items: RawEvent[] }>(['-n', ns, 'get', 'events']);
  return l.items.map(toClusterEvent).sort((a, b) => a.t - b.t || a.rv - b.rv);
}

/** `kubectl get events --watch` in `ns`, one line per Event version: `fields` (a jsonpath). */
function watchEvents(ns: string, fields: string) {
  const env = suiteEnv();
  return spawn(
    env.KUBECTL,
    [
      '--kubeconfig',
      env.KUBECONFIG,
      '-n',
      ns,
      'get',
      'events',
      '--watch',
      '-o',
      `jsonpath=${fields}{"\\n"}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/**
 * Resolves with the message of the namespace's first Event (listed or new) whose message matches
 * `re`, as soon as the API server's watch delivers it (`kubectl get events --watch`): for acting
 * within the fraction of a second before the next event, which polling cannot.
 */
export function firstEventMatching(ns: string, re: RegExp, timeoutMs = 90_000): Promise<string> {
  const child = watchEvents(ns, '{.message}');
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(
      () => finish(new Error(`no event matching ${re} in ${ns} within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const finish = (result: string | Error) => {
      clearTimeout(timer);
      child.kill();
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) finish(hit);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('exit', (code) =>
      finish(new Error(`kubectl get events --watch exited (${code}): ${stderr}`)),
    );
  });
}

/**
 * Records the count of every version of the namespace's Events that the API server's watch serves
 * (`kubectl get events --watch`: the list, then each change), from now until `stop`. This is what
 * any watcher could have seen: client-go's events.k8s.io recorder writes a repeat in its own
 * goroutine, and when the repeat's patch finds no Event yet (the first write still on its way) it
 * creates the Event at count 2, so count 1 is never served. `stop` waits (up to 10 s) until an
 * Event's watched counts reach the count the caller read, then returns them by uid.
 */
export function watchEventCounts(ns: string): {
  stop(uid: string, count: number): Promise<number[]>;
} {
  const child = watchEvents(ns, '{.metadata.uid} {.series.count} {.count}');
  child.stderr.resume();
  // A test that fails before `stop` must not leave kubectl running.
  child.unref();
  const kill = () => child.kill();
  process.once('exit', kill);
  const counts = new Map<string, number[]>();
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [uid, series, count] = line.split(' ');
      if (!uid) continue;
      const n = Number(series || count || 1);
      const seen = counts.get(uid) ?? [];
      if (!seen.includes(n)) seen.push(n);
      counts.set(uid, seen);
    }
  });
  return {
    async stop(uid, count) {
      const deadline = Date.now() + 10_000;
      while (!(counts.get(uid) ?? []).includes(count) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      kill();
      process.off('exit', kill);
      return [...(counts.get(uid) ?? [])].sort((a, b) => a - b);
    },
  };
}

export function describeEvent(e: ClusterEvent): string {
  return `${e.component} ${e.kind}.${e.reason} ${e.objName} "${e.message}" (count ${e.count}, uid ${e.uid})`;
}

/** The ReplicaSet of a Deployment whose pod template runs `image`. */
export async function replicaSetWithImage(
  ns: string,
  deployment: string,
  image: string,
): Promise<KubeObj> {
  const found = (await list(ns, 'replicasets')).filter(
    (rs) =>
      rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment) &&
      ((rs.spec?.template as { spec?: { containers?: Array<{ image: string }> } } | undefined)?.spec
        ?.containers ?? [])[0]?.image === image,
  );
  if (found.length !== 1)
    throw new Error(`${found.length} ReplicaSets of ${deployment} run ${image}, expected 1`);
  return found[0]!;
}
