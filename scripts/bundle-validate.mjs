#!/usr/bin/env node
// Writes packages/kspan/dist/commands/validate.bundle.js (part of `pnpm build`, after tsc and the
// generated config checks): `kspan validate` and everything it loads — the component specs,
// @kspan/core's config checker, TypeBox, yaml, the generated checks — as one ESM file, which the CLI
// loads instead of some 400 modules (start-up time, issue 15: about half of validate's CPU time
// went to loading modules). Not published (package.json `files`): a published kspan runs the same
// code unbundled. The image bundles the whole CLI the same way (packages/kspan/Dockerfile).
//   node scripts/bundle-validate.mjs
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'packages/kspan/dist/commands');
const outfile = join(dist, 'validate.bundle.js');

await build({
  entryPoints: [join(dist, 'validate-entry.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // yaml is CommonJS: its `require` calls need a require in an ES module
  banner: {
    js: "import { createRequire as kspanCreateRequire } from 'node:module'; const require = kspanCreateRequire(import.meta.url);",
  },
});
console.log(`wrote ${outfile.slice(root.length + 1)}`);
