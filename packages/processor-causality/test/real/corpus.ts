// The real corpus: one directory per scenario under test/real/, each with the recording
// (capture.ndjson, from record.sh), its ground truth (expected.json) and NOTES.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WatchEvent } from '@kspan/core';
import { checkExpected, type Expected } from './expected.js';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Recording {
  name: string;
  dir: string;
  items: WatchEvent[];
  expected: Expected;
}

/** Reads one capture file: one watch event per line. */
export function readCapture(file: string): WatchEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as WatchEvent;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

const has = (name: string, file: string) => existsSync(join(CORPUS_DIR, name, file));

/** Scenario directories (those with a steps.sh). */
export function scenarioDirs(): string[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && has(d.name, 'steps.sh'))
    .map((d) => d.name)
    .sort();
}

/** Scenarios with a recording and its ground truth. */
export function scenarioNames(): string[] {
  return scenarioDirs().filter((n) => has(n, 'capture.ndjson') && has(n, 'expected.json'));
}

export function loadRecording(name: string): Recording {
  const dir = join(CORPUS_DIR, name);
  const file = join(dir, 'expected.json');
  const expected = checkExpected(JSON.parse(readFileSync(file, 'utf8')), file);
  if (expected.scenario !== name) throw new Error(`${file}: scenario is "${expected.scenario}"`);
  return { name, dir, items: readCapture(join(dir, 'capture.ndjson')), expected };
}

export function loadCorpus(): Recording[] {
  return scenarioNames().map(loadRecording);
}
