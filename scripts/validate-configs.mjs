#!/usr/bin/env node
// Validates every pipeline config shipped in config/ with the built CLI; exits 1 if any is invalid.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/kspan/dist/bin/kspan.js');
let failed = 0;
for (const name of readdirSync(join(root, 'config'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()) {
  const r = spawnSync(process.execPath, [cli, 'validate', '--config', join('config', name)], {
    cwd: root,
    encoding: 'utf8',
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
