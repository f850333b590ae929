/** One top-level JSON value cut out of a text stream, with the line it starts on. */
export interface JsonSegment {
  text: string;
  line: number;
  /** Set when the value was longer than the splitter's `maxLength`: its length; `text` is empty. */
  oversized?: number;
}

/** Text outside any JSON value (not whitespace): reported, then skipped. */
export interface StrayText {
  stray: string;
  line: number;
}

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/**
 * Cuts concatenated JSON values (`{..}{..}` or pretty-printed objects one after another, as
 * `kubectl get -o json --watch` writes them) out of a stream of chunks, by brace depth, respecting
 * strings and escapes. It does not validate: each segment is parsed by the caller. Only the value
 * being read is held in memory, and no more than `maxLength` characters of it: a longer value is
 * scanned to its end without being kept, and reported as oversized.
 */
export class JsonSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private valueLine = 1;
  private parts: string[] = [];
  private partsLength = 0;
  /** In a value past `maxLength`: its length so far (its text is not kept); -1 when not. */
  private skipped = -1;
  private stray: string[] = [];
  private strayLine = 0;

  constructor(private readonly maxLength = Infinity) {}

  push(chunk: string): Array<JsonSegment | StrayText> {
    const out: Array<JsonSegment | StrayText> = [];
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.depth === 0) {
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          this.flushStray(out);
          this.depth = 1;
          this.valueLine = this.line;
          start = i;
        } else if (c === NEWLINE) {
          this.flushStray(out);
          this.line++;
        } else if (!isSpace(c)) {
          if (this.stray.length === 0) this.strayLine = this.line;
          // Only what the report shows is kept (a megabyte of junk must not be held char by char).
          if (this.stray.length <= 40) this.stray.push(chunk[i] as string);
        }
        continue;
      }
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          out.push(this.finish(chunk, start, i + 1));
          start = -1;
        }
      }
    }
    if (this.depth > 0 && start >= 0) this.hold(chunk, start);
    return out;
  }

  /** Keeps the unfinished value's text from `start`, or only its length once it is too long. */
  private hold(chunk: string, start: number): void {
    const length = chunk.length - start;
    if (this.skipped >= 0) {
      this.skipped += length;
      return;
    }
    this.parts.push(start === 0 ? chunk : chunk.slice(start));
    this.partsLength += length;
    if (this.partsLength > this.maxLength) {
      this.skipped = this.partsLength;
      this.parts = [];
      this.partsLength = 0;
    }
  }

  /** The value that ends at `end` of this chunk. */
  private finish(chunk: string, start: number, end: number): JsonSegment {
    const line = this.valueLine;
    const length = Math.max(this.skipped, 0) + this.partsLength + (end - start);
    const held = this.parts;
    this.parts = [];
    this.partsLength = 0;
    const wasSkipped = this.skipped >= 0;
    this.skipped = -1;
    if (wasSkipped || length > this.maxLength) return { text: '', line, oversized: length };
    const tail = chunk.slice(start, end);
    return { text: held.length > 0 ? held.join('') + tail : tail, line };
  }

  /** At the end of input: stray text, or an unterminated value, are reported. */
  end(): Array<JsonSegment | StrayText> {
    const out: Array<JsonSegment | StrayText> = [];
    this.flushStray(out);
    if (this.depth > 0) {
      out.push({ stray: 'unterminated JSON value at end of input', line: this.valueLine });
      this.parts = [];
      this.partsLength = 0;
      this.skipped = -1;
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
    }
    return out;
  }

  private flushStray(out: Array<JsonSegment | StrayText>): void {
    if (this.stray.length === 0) return;
    const text = this.stray.join('');
    this.stray = [];
    out.push({ stray: text.length > 40 ? text.slice(0, 40) + '…' : text, line: this.strayLine });
  }
}

export function isStray(s: JsonSegment | StrayText): s is StrayText {
  return 'stray' in s;
}
