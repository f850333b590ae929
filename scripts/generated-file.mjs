// The one write-or-check rule of the generators (config reference, Helm values schema, README
// example): `--check` exits 1 when the file on disk differs from what would be written (CI),
// otherwise the file is written.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Writes `text` to `target`, or with `--check` in argv compares and exits 1 when it differs. */
export function writeOrCheck(target, text, generator) {
  const name = relative(root, target);
  if (!process.argv.includes('--check')) {
    writeFileSync(target, text);
    console.log(`wrote ${name}`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is out of date
  }
  if (current !== text) {
    console.error(`${name} is out of date: run node ${generator}`);
    process.exit(1);
  }
  console.log(`${name} is up to date`);
}
