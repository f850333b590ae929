import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory up from this package holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (pnpm-workspace.yaml) not found');
    dir = up;
  }
  return dir;
}

/**
 * The conformance data directory (it holds `kspan/<case>/`): `$KSPAN_CONFORMANCE_DIR`, else
 * `<repo>/../shared/conformance` (CI checks `shared/` out beside the repository).
 */
export function conformanceDir(): string {
  const env = process.env.KSPAN_CONFORMANCE_DIR;
  const dir = env ? resolve(env) : resolve(repoRoot(), '..', 'shared', 'conformance');
  if (!existsSync(join(dir, 'kspan')))
    throw new Error(`conformance cases not found in ${dir}/kspan (set KSPAN_CONFORMANCE_DIR)`);
  return dir;
}

/** kspan's recorded cases, one directory each (`capture.ndjson`, `expected.txt`). */
export function kspanCasesDir(): string {
  return join(conformanceDir(), 'kspan');
}
