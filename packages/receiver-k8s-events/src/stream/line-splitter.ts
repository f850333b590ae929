/** One line of a text stream, without its line break, with its 1-based line number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * Splits a stream of text chunks into lines (`\n` or `\r\n`) without joining the whole input:
 * only the unfinished last line is held. Used for capture files and for the watch stream.
 */
export class LineSplitter {
  private parts: string[] = [];
  private pendingLength = 0;
  private nextLine = 1;

  /** Lines completed by this chunk. */
  push(chunk: string): NumberedLine[] {
    const out: NumberedLine[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) break;
      let text = chunk.slice(from, nl);
      if (this.parts.length > 0) {
        text = this.parts.join('') + text;
        this.parts = [];
        this.pendingLength = 0;
      }
      out.push({ text: text.endsWith('\r') ? text.slice(0, -1) : text, line: this.nextLine++ });
      from = nl + 1;
    }
    if (from < chunk.length) {
      this.parts.push(from === 0 ? chunk : chunk.slice(from));
      this.pendingLength += chunk.length - from;
    }
    return out;
  }

  /** The last line when the input did not end with a line break. */
  end(): NumberedLine[] {
    if (this.parts.length === 0) return [];
    const text = this.parts.join('');
    this.parts = [];
    this.pendingLength = 0;
    return [{ text: text.endsWith('\r') ? text.slice(0, -1) : text, line: this.nextLine++ }];
  }

  /** Characters held for the unfinished line (to cap a runaway line). */
  get pending(): number {
    return this.pendingLength;
  }
}
