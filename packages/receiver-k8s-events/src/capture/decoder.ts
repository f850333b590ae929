import type { WatchEvent } from '@kspan/core';
import { JsonSplitter, isStray, type JsonSegment } from '../stream/json-splitter.js';
import { LineSplitter, type NumberedLine } from '../stream/line-splitter.js';
import { decodeValue } from './normalize.js';

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
      out.push(...this.feed(text));
    }
    if (this.mode === 'ndjson') {
      for (const l of this.lines.end()) out.push(...this.decodeLine(l));
    } else {
      for (const s of this.json.end()) {
        if (isStray(s)) out.push({ problem: { line: s.line, message: strayMessage(s.stray) } });
        else out.push(...this.decodeSegment(s));
      }
    }
    return out;
  }

  private feed(chunk: string): DecodedItem[] {
    const out: DecodedItem[] = [];
    if (this.mode === 'ndjson') {
      for (const l of this.lines.push(chunk)) out.push(...this.decodeLine(l));
    } else {
      for (const s of this.json.push(chunk)) {
        if (isStray(s)) out.push({ problem: { line: s.line, message: strayMessage(s.stray) } });
        else out.push(...this.decodeSegment(s));
      }
    }
    return out;
  }

  private decodeLine(l: NumberedLine): DecodedItem[] {
    return l.oversized === undefined
      ? decodeLine(l.text, l.line)
      : [this.oversized('line', l.oversized, l.line)];
  }

  private decodeSegment(s: JsonSegment): DecodedItem[] {
    return s.oversized === undefined
      ? decodeText(s.text, s.line)
      : [this.oversized('JSON value', s.oversized, s.line)];
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

function decodeText(text: string, line: number): DecodedItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return [{ problem: { line, message: `invalid JSON: ${(err as Error).message}` } }];
  }
  return decoded(value, line);
}

function decodeLine(raw: string, line: number): DecodedItem[] {
  const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (text.trim() === '') return [];
  try {
    return decoded(JSON.parse(text), line);
  } catch (err) {
    // Several compact values on one line (`{..}{..}`)?
    const splitter = new JsonSplitter();
    const segments = [...splitter.push(text), ...splitter.end()];
    if (segments.length > 1 && segments.every((s) => !isStray(s))) {
      const out: DecodedItem[] = [];
      for (const s of segments) out.push(...decodeText((s as { text: string }).text, line));
      return out;
    }
    return [{ problem: { line, message: `invalid JSON: ${(err as Error).message}` } }];
  }
}

function decoded(value: unknown, line: number): DecodedItem[] {
  const d = decodeValue(value);
  return [
    ...d.events.map((event) => ({ event, line })),
    ...d.problems.map((message) => ({ problem: { line, message } })),
  ];
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
