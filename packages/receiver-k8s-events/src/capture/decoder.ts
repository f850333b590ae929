import { isRecord, type WatchEvent } from '@kspan/core';
import {
  JsonSplitter,
  isStray,
  type JsonSegment,
  type StrayText,
} from '../stream/json-splitter.js';
import { LineSplitter, type NumberedLine } from '../stream/line-splitter.js';
import { decodeValue, isWatchEvent, watchEventOf } from './normalize.js';

/** Something wrong in the input, at a 1-based line. */
export interface CaptureProblem {
  line: number;
  message: string;
}

export type CaptureFormat = 'ndjson' | 'concatenated';

/**
 * Longest capture line (or pretty-printed value) read, in characters. The API server stores no
 * object over ~1.5 MiB (etcd's request limit); even with every character JSON-escaped (`\u0001`,
 * six for one) a real watch event stays under 10 MiB. A longer line is skipped as malformed without
 * being held: a 50 MB line cost 16.7 s and 1.56 GB before.
 */
export const MAX_CAPTURE_LINE = 16 * 1024 * 1024;

/** What a chunk of input decoded into, in input order. */
export type DecodedItem = { event: WatchEvent; line: number } | { problem: CaptureProblem };

/**
 * Incremental decoder of every input `k8s_capture` reads. The format is detected from the first
 * non-blank line: a line that is only `{` or `[` starts pretty-printed JSON (`kubectl get -o json`,
 * with or without `--watch` / `--output-watch-events`), cut by brace depth; anything else is
 * newline-delimited JSON (the capture format), one value a line, so that one bad line costs only
 * that line. In NDJSON mode a line holding several compact values (`{..}{..}`) is split too.
 */
export class CaptureDecoder {
  private mode: CaptureFormat | undefined;
  private readonly head: string[] = [];
  private headLength = 0;
  private readonly lines: LineSplitter;
  private readonly json: JsonSplitter;

  constructor(private readonly maxLineLength = MAX_CAPTURE_LINE) {
    this.lines = new LineSplitter(maxLineLength);
    this.json = new JsonSplitter(maxLineLength);
  }

  get format(): CaptureFormat | undefined {
    return this.mode;
  }

  push(chunk: string): DecodedItem[] {
    if (this.mode === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      const text = this.head.join('');
      // Blank space past the line limit: no capture starts so; read it as lines (and skip it).
      const detected =
        detectFormat(text, false) ?? (this.headLength > this.maxLineLength ? 'ndjson' : undefined);
      if (detected === undefined) return [];
      this.mode = detected;
      this.head.length = 0;
      this.headLength = 0;
      return this.feed(text);
    }
    return this.feed(chunk);
  }

  end(): DecodedItem[] {
    const out: DecodedItem[] = [];
    if (this.mode === undefined) {
      const text = this.head.join('');
      this.mode = detectFormat(text, true) ?? 'ndjson';
      this.head.length = 0;
      this.headLength = 0;
      this.decodeAll(this.mode === 'ndjson' ? this.lines.push(text) : this.json.push(text), out);
    }
    this.decodeAll(this.mode === 'ndjson' ? this.lines.end() : this.json.end(), out);
    return out;
  }

  private feed(chunk: string): DecodedItem[] {
    const out: DecodedItem[] = [];
    this.decodeAll(this.mode === 'ndjson' ? this.lines.push(chunk) : this.json.push(chunk), out);
    return out;
  }

  /** Decodes split lines or JSON values into `out` (one array a chunk: no copies per line). */
  private decodeAll(parts: NumberedLine[] | (JsonSegment | StrayText)[], out: DecodedItem[]): void {
    if (this.mode === 'ndjson') {
      for (const l of parts as NumberedLine[]) {
        if (l.oversized === undefined) decodeLine(l.text, l.line, out);
        else out.push(this.oversized('line', l.oversized, l.line));
      }
      return;
    }
    for (const s of parts as (JsonSegment | StrayText)[]) {
      if (isStray(s)) out.push({ problem: { line: s.line, message: strayMessage(s.stray) } });
      else if (s.oversized === undefined) decodeText(s.text, s.line, out);
      else out.push(this.oversized('JSON value', s.oversized, s.line));
    }
  }

  private oversized(what: string, length: number, line: number): DecodedItem {
    return {
      problem: {
        line,
        message: `${what} of ${length} characters is longer than the ${this.maxLineLength}-character limit; skipped`,
      },
    };
  }
}

function strayMessage(stray: string): string {
  return stray.startsWith('unterminated') ? stray : `unexpected text outside JSON: ${stray}`;
}

/** Undefined while no complete non-blank line has been seen (and the input has not ended). */
function detectFormat(text: string, atEnd: boolean): CaptureFormat | undefined {
  let from = 0;
  for (;;) {
    const nl = text.indexOf('\n', from);
    if (nl < 0) {
      const rest = text.slice(from).trim();
      if (!atEnd) return rest.length > 1 ? 'ndjson' : undefined; // `{` alone might be pretty JSON
      return rest === '{' || rest === '[' ? 'concatenated' : 'ndjson';
    }
    const line = text
      .slice(from, nl)
      .replace(/^\uFEFF/, '')
      .trim();
    if (line !== '') return line === '{' || line === '[' ? 'concatenated' : 'ndjson';
    from = nl + 1;
  }
}

function decodeText(text: string, line: number, out: DecodedItem[]): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    out.push({ problem: { line, message: `invalid JSON: ${(err as Error).message}` } });
    return;
  }
  decoded(value, line, out);
}

function decodeLine(raw: string, line: number, out: DecodedItem[]): void {
  const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (text.trim() === '') return;
    // Several compact values on one line (`{..}{..}`)?
    const splitter = new JsonSplitter();
    const segments = [...splitter.push(text), ...splitter.end()];
    if (segments.length > 1 && segments.every((s) => !isStray(s))) {
      for (const s of segments) decodeText((s as { text: string }).text, line, out);
      return;
    }
    out.push({ problem: { line, message: `invalid JSON: ${(err as Error).message}` } });
    return;
  }
  decoded(value, line, out);
}

function decoded(value: unknown, line: number, out: DecodedItem[]): void {
  // A capture line (one watch event) is nearly every value: checked without the general path's arrays.
  if (isRecord(value) && isWatchEvent(value)) {
    const ev = watchEventOf(value);
    if (typeof ev === 'string') out.push({ problem: { line, message: ev } });
    else if (ev !== undefined) out.push({ event: ev, line });
    return;
  }
  const d = decodeValue(value);
  for (const event of d.events) out.push({ event, line });
  for (const message of d.problems) out.push({ problem: { line, message } });
}

/** Parses a whole capture text (any supported format) at once: for tests, the CLI and small files. */
export function parseCapture(text: string): {
  items: WatchEvent[];
  problems: CaptureProblem[];
  format: CaptureFormat;
} {
  const decoder = new CaptureDecoder();
  const all = [...decoder.push(text), ...decoder.end()];
  const items: WatchEvent[] = [];
  const problems: CaptureProblem[] = [];
  for (const d of all) {
    if ('event' in d) items.push(d.event);
    else problems.push(d.problem);
  }
  return { items, problems, format: decoder.format ?? 'ndjson' };
}
