#!/usr/bin/env node
// Runs a mocha suite (TypeScript through tsx) and closes with the line CI reads: `N passed, N failed`.
//   node --import tsx scripts/run-tests.mjs [unit|e2e] [--grep PATTERN]
import Mocha from 'mocha';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const suite = args.find((a) => !a.startsWith('--')) ?? 'unit';
const grepAt = args.indexOf('--grep');
const root = resolve(import.meta.dirname, '..');

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files =
  suite === 'e2e'
    ? findTests(join(root, 'e2e', 'test'))
    : readdirSync(join(root, 'packages')).flatMap((pkg) =>
        findTests(join(root, 'packages', pkg, 'test')),
      );

const mocha = new Mocha({
  reporter: 'spec',
  timeout: suite === 'e2e' ? 180_000 : 20_000,
  ...(grepAt >= 0 ? { grep: args[grepAt + 1] } : {}),
});
for (const f of files.sort()) mocha.addFile(f);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
  console.log(
    `\n${suite}: ${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`,
  );
  if (passes + failed === 0) console.log(`${suite}: no test ran`);
  if (process.env.KSPAN_TEST_COUNTS_DIR) {
    writeFileSync(
      join(process.env.KSPAN_TEST_COUNTS_DIR, `test-counts-${suite}.json`),
      JSON.stringify({ passes, failures: failed + (passes + failed === 0 ? 1 : 0) }),
    );
  }
  process.exitCode = failures > 0 || passes + failed === 0 ? 1 : 0;
});
