import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WatchEvent } from '@kspan/core';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The conformance cases directory: $KSPAN_CONFORMANCE_DIR, else `<repo root>/../shared/conformance`
 * (CI clones the repo with shared/ beside it), else the same from a parent (this checkout).
 */
export function conformanceDir(): string {
  const env = process.env.KSPAN_CONFORMANCE_DIR;
  if (env) return resolve(env);
  let dir = here;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      const beside = resolve(dir, '..', 'shared', 'conformance');
      if (existsSync(beside)) return beside;
    }
    dir = dirname(dir);
  }
  return resolve(here, '../../../../../shared/conformance');
}

export interface Case {
  name: string;
  dir: string;
  items: WatchEvent[];
  expected: string;
}

/** Every case under `<conformance>/kspan/`, each with its capture and kspan's expected tree. */
export function loadCases(): Case[] {
  const root = join(conformanceDir(), 'kspan');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const items = readFileSync(join(dir, 'capture.ndjson'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as WatchEvent);
      return { name, dir, items, expected: readFileSync(join(dir, 'expected.txt'), 'utf8') };
    });
}
