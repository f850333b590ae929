import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './child.js';

/** The end-to-end cluster started by `pnpm e2e:up` (e2e/.run/env), if it is up. */
export interface E2eCluster {
  kubectl: string;
  kubeconfig: string;
  apiserverUrl: string;
}

/** The e2e environment's env file: in KSPAN_E2E_RUN_DIR when set (as the e2e tests read it). */
export const E2E_ENV = resolve(
  process.env.KSPAN_E2E_RUN_DIR ?? resolve(REPO_ROOT, 'e2e/.run'),
  'env',
);

/** Values of e2e/.run/env (`KEY=value`, bash `%q` quoting of simple paths). */
function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2] as string;
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1);
    else v = v.replace(/\\(.)/g, '$1');
    out[m[1] as string] = v;
  }
  return out;
}

export function run(
  file: string,
  args: string[],
  input?: string,
  timeoutMs = 120_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      file,
      args,
      { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout, stderr: stderr || (err?.message ?? '') });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The cluster, or why it cannot be used. */
export async function findCluster(): Promise<E2eCluster | { unavailable: string }> {
  if (!existsSync(E2E_ENV))
    return { unavailable: `${E2E_ENV} does not exist (start the cluster with pnpm e2e:up)` };
  const env = readEnvFile(E2E_ENV);
  const kubectl = env.KUBECTL;
  const kubeconfig = env.KUBECONFIG;
  const apiserverUrl = env.APISERVER_URL;
  if (!kubectl || !kubeconfig || !apiserverUrl)
    return { unavailable: `${E2E_ENV} lacks KUBECTL, KUBECONFIG or APISERVER_URL` };
  const ready = await run(
    kubectl,
    ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz'],
    undefined,
    10_000,
  );
  if (ready.code !== 0 || !ready.stdout.includes('ok'))
    return {
      unavailable: `the API server does not answer /readyz: ${ready.stderr.trim() || ready.stdout.trim()}`,
    };
  return { kubectl, kubeconfig, apiserverUrl };
}

/** kubectl against the cluster as its admin; throws on failure. */
export async function kubectl(c: E2eCluster, args: string[], input?: string): Promise<string> {
  const r = await run(c.kubectl, ['--kubeconfig', c.kubeconfig, ...args], input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Sums the samples of one Prometheus counter, grouped by the value of `byLabel`. */
export function sumMetric(text: string, name: string, byLabel?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    let key = '';
    if (byLabel) {
      const l = new RegExp(`${byLabel}="([^"]*)"`).exec(m[2] ?? '');
      key = l?.[1] ?? '';
    }
    out.set(key, (out.get(key) ?? 0) + Number(m[3]));
  }
  return out;
}
