import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { workloadLines, type WorkloadOptions } from '../workload/index.js';

/** Pre-generated capture text, cut into chunks the way the capture receiver reads a file. */
export interface Input {
  chunks: string[];
  lines: number;
  bytes: number;
  /** Lines whose object is an Event (the rest are owner objects). */
  eventLines: number;
  generateSeconds: number;
}

const CHUNK = 64 * 1024;

/** Generates `options.events` lines of NDJSON into ~64 KiB chunks (whole lines each). */
export function makeInput(options: WorkloadOptions): Input {
  const t0 = performance.now();
  const chunks: string[] = [];
  let parts: string[] = [];
  let size = 0;
  let lines = 0;
  let bytes = 0;
  let eventLines = 0;
  for (const line of workloadLines(options)) {
    parts.push(line);
    size += line.length + 1;
    lines++;
    bytes += Buffer.byteLength(line) + 1;
    if (line.includes('"kind":"Event"')) eventLines++;
    if (size >= CHUNK) {
      chunks.push(parts.join('\n') + '\n');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) chunks.push(parts.join('\n') + '\n');
  return { chunks, lines, bytes, eventLines, generateSeconds: (performance.now() - t0) / 1000 };
}

/**
 * The floor the figures are compared with: split the same chunks into lines and `JSON.parse`
 * each, nothing else. Returns the number of values parsed.
 */
export function parseOnly(chunks: readonly string[]): number {
  let n = 0;
  let sink = 0;
  for (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      const v = JSON.parse(chunk.slice(from, nl)) as { type: string };
      sink += v.type.length;
      n++;
      from = nl + 1;
    }
  }
  if (sink < 0) console.log(sink); // keep the parse observable to the optimiser
  return n;
}

/**
 * Writes `options.events` lines of NDJSON to `file` as they are generated (bounded memory: a 1M
 * line capture is ~1 GB). Returns the number of lines and bytes.
 */
export function writeInputFile(
  file: string,
  options: WorkloadOptions,
): { lines: number; bytes: number } {
  const fd = openSync(file, 'w');
  let parts: string[] = [];
  let size = 0;
  let lines = 0;
  let bytes = 0;
  const flush = () => {
    bytes += writeSync(fd, parts.join(''));
    parts = [];
    size = 0;
  };
  try {
    for (const line of workloadLines(options)) {
      parts.push(line + '\n');
      size += line.length + 1;
      lines++;
      if (size >= CHUNK) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { lines, bytes };
}

/**
 * The floor for a reader of a capture file: read `file` in 64 KiB chunks, split it into lines
 * and `JSON.parse` each, nothing else. Returns the number of values parsed.
 */
export function parseOnlyFile(file: string): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, CHUNK, null);
      if (got === 0) break;
      const text = rest + decoder.write(buf.subarray(0, got));
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        rest = text;
        continue;
      }
      n += parseOnly([text.slice(0, last + 1)]);
      rest = text.slice(last + 1);
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
