// The e2e environment written by e2e/scripts/up.sh (e2e/.run/env, KEY=value lines in `printf %q` form).
// A missing environment is a failure with a clear message, never a silent skip.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO, 'packages/kspan/dist/bin/kspan.js');

export interface SuiteEnv {
  KUBECONFIG: string;
  KUBECTL: string;
  APISERVER_URL: string;
  JAEGER_OTLP_GRPC: string;
  JAEGER_QUERY_URL: string;
  ZIPKIN_URL: string;
  E2E_RUN_DIR: string;
  [key: string]: string;
}

const REQUIRED = [
  'KUBECONFIG',
  'KUBECTL',
  'APISERVER_URL',
  'JAEGER_OTLP_GRPC',
  'JAEGER_QUERY_URL',
  'ZIPKIN_URL',
] as const;

/** `printf %q` output back to the string. */
function unquote(v: string): string {
  if (v.startsWith("$'") && v.endsWith("'")) return v.slice(2, -1).replace(/\\(.)/g, '$1');
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v.replace(/\\(.)/g, '$1');
}

let cached: SuiteEnv | undefined;

/** Reads e2e/.run/env (or $KSPAN_E2E_RUN_DIR/env); throws a clear error when the environment is not up. */
export function suiteEnv(): SuiteEnv {
  if (cached) return cached;
  const runDir = process.env.KSPAN_E2E_RUN_DIR ?? join(REPO, 'e2e', '.run');
  const file = join(runDir, 'env');
  if (!existsSync(file))
    throw new Error(
      `the e2e environment is not up: ${file} not found. Start it with \`pnpm e2e:up\` ` +
        '(bash e2e/scripts/up.sh), or run everything with `bash scripts/test-all.sh`.',
    );
  const env: Record<string, string> = { E2E_RUN_DIR: runDir };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = unquote(m[2]!);
  }
  for (const k of REQUIRED)
    if (!env[k]) throw new Error(`${file} has no ${k}: re-run e2e/scripts/up.sh`);
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build the workspace first (pnpm build)`);
  cached = env as SuiteEnv;
  return cached;
}
