/** One line of a text stream, without its line break, with its 1-based line number. */
export interface NumberedLine {
  text: string;
  line: number;
  /**
   * Set when the line was longer than the splitter's `maxLength`: its length in characters. Its
   * text is then empty: what was read of it was let go as soon as it passed the limit.
   */
  oversized?: number;
}

/**
 * Splits a stream of text chunks into lines (`\n` or `\r\n`) without joining the whole input:
 * only the unfinished last line is held, and no more than `maxLength` characters of it — a longer
 * line is skipped up to its line break and reported as oversized. Used for capture files and for
 * the watch stream.
 */
export class LineSplitter {
  private parts: string[] = [];
  private pendingLength = 0;
  /** Characters of an oversized line seen so far (its text is not kept); -1 when not in one. */
  private skipped = -1;
  private nextLine = 1;

  constructor(private readonly maxLength = Infinity) {}

  /** Lines completed by this chunk. */
  push(chunk: string): NumberedLine[] {
    const out: NumberedLine[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      out.push(this.finish(chunk.slice(from, nl)));
      from = nl + 1;
    }
    if (from < chunk.length) this.hold(from === 0 ? chunk : chunk.slice(from));
    return out;
  }

  /** The last line when the input did not end with a line break. */
  end(): NumberedLine[] {
    if (this.parts.length === 0 && this.skipped < 0) return [];
    return [this.finish('')];
  }

  /** Characters held for the unfinished line (to cap a runaway line). */
  get pending(): number {
    return this.pendingLength;
  }

  private hold(text: string): void {
    if (this.skipped >= 0) {
      this.skipped += text.length;
      return;
    }
    this.parts.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength > this.maxLength) {
      this.skipped = this.pendingLength;
      this.parts = [];
      this.pendingLength = 0;
    }
  }

  /** The current line, ended by a break (or by the end of input) after `tail`. */
  private finish(tail: string): NumberedLine {
    const line = this.nextLine++;
    let text = tail;
    if (this.skipped >= 0 || this.pendingLength + tail.length > this.maxLength) {
      const length = Math.max(this.skipped, 0) + this.pendingLength + tail.length;
      this.skipped = -1;
      this.parts = [];
      this.pendingLength = 0;
      return { text: '', line, oversized: length };
    }
    if (this.parts.length > 0) {
      text = this.parts.join('') + tail;
      this.parts = [];
      this.pendingLength = 0;
    }
    return { text: text.endsWith('\r') ? text.slice(0, -1) : text, line };
  }
}
