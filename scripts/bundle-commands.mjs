#!/usr/bin/env node
// Bundles the CLI commands whose start-up counts (part of `pnpm build`, after tsc and the generated
// config checks), so that they load a few files instead of some 400 modules (start-up time, issue 15):
// - `kspan validate` and everything it loads — the component specs, @kspan/core's config checker,
//   TypeBox, yaml, the generated checks — as one ESM file, dist/commands/validate.bundle.js (about
//   half of validate's CPU time went to loading modules);
// - `kspan replay` with the whole engine into dist/commands/replay-bundle/ (entry `replay-entry.js`),
//   split where the code loads lazily (the Kubernetes client, gRPC: never loaded by a replay, left
//   in chunks of their own); loading it takes ~0.2 CPU-s instead of ~0.55.
// Neither is published (package.json `files`): a published kspan runs the same code unbundled. The
// image bundles the whole CLI the same way (packages/kspan/Dockerfile). A unit test bundles again in
// memory and compares, so a stale bundle (dist rebuilt by `tsc -b` alone) fails the tests.
//   node scripts/bundle-commands.mjs
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'packages/kspan/dist/commands');
export const VALIDATE_BUNDLE = join(dist, 'validate.bundle.js');
export const REPLAY_BUNDLE_DIR = join(dist, 'replay-bundle');

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  // yaml and rxjs are CommonJS: their `require` calls need a require in an ES module
  banner: {
    js: "import { createRequire as kspanCreateRequire } from 'node:module'; const require = kspanCreateRequire(import.meta.url);",
  },
};

/** Bundles validate; with `write: false` returns the text instead of writing the file. */
export async function bundleValidate({ write = true } = {}) {
  const result = await build({
    ...COMMON,
    entryPoints: [join(dist, 'validate-entry.js')],
    outfile: VALIDATE_BUNDLE,
    write,
  });
  return write ? undefined : result.outputFiles[0].text;
}

/**
 * Bundles replay: every file of the bundle (path → text). With `write: true` it replaces the
 * directory (no chunk of an older build is left).
 */
export async function bundleReplay({ write = true } = {}) {
  const result = await build({
    ...COMMON,
    entryPoints: [join(dist, 'replay-entry.js')],
    outdir: REPLAY_BUNDLE_DIR,
    splitting: true,
    write: false,
  });
  const files = new Map(result.outputFiles.map((f) => [f.path, f.text]));
  if (write) {
    rmSync(REPLAY_BUNDLE_DIR, { recursive: true, force: true });
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundleValidate();
  console.log(`wrote ${VALIDATE_BUNDLE.slice(root.length + 1)}`);
  const files = await bundleReplay();
  console.log(`wrote ${REPLAY_BUNDLE_DIR.slice(root.length + 1)}/ (${files.size} files)`);
}
