#!/usr/bin/env node
// Writes packages/kspan/dist/commands/validate.bundle.js (part of `pnpm build`, after tsc and the
// generated config checks): `kspan validate` and everything it loads — the component specs,
// @kspan/core's config checker, TypeBox, yaml, the generated checks — as one ESM file, which the CLI
// loads instead of some 400 modules (start-up time, issue 15: about half of validate's CPU time
// went to loading modules). Not published (package.json `files`): a published kspan runs the same
// code unbundled. The image bundles the whole CLI the same way (packages/kspan/Dockerfile).
// A unit test bundles again in memory and compares, so a stale bundle (dist rebuilt by `tsc -b`
// alone) fails the tests.
//   node scripts/bundle-validate.mjs
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'packages/kspan/dist/commands');
export const VALIDATE_BUNDLE = join(dist, 'validate.bundle.js');

/** Bundles validate; with `write: false` returns the text instead of writing the file. */
export async function bundleValidate({ write = true } = {}) {
  const result = await build({
    entryPoints: [join(dist, 'validate-entry.js')],
    outfile: VALIDATE_BUNDLE,
    write,
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
  return write ? undefined : result.outputFiles[0].text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundleValidate();
  console.log(`wrote ${VALIDATE_BUNDLE.slice(root.length + 1)}`);
}
