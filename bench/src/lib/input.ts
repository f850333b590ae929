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
