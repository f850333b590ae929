import { ByteBuffer, SHORT } from './byte-buffer.js';

/** A character that JSON.stringify escapes, or that is not ASCII. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** JSON text written as UTF-8 bytes: what `JSON.stringify` writes, without making the string. */
export class JsonBuffer extends ByteBuffer {
  /** Text known to be ASCII and to need no escaping (punctuation, keys, numbers, ids of hex). */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    if (n > SHORT) {
      this.pos += this.buf.write(text, this.pos, 'latin1');
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** A number as `JSON.stringify` writes it (`null` for NaN and the infinities). */
  number(value: number): void {
    this.ascii(Number.isFinite(value) ? String(value) : 'null');
  }

  /** A string value, quoted and escaped exactly as `JSON.stringify` does. */
  string(text: string): void {
    const n = text.length;
    if (n > SHORT && !NEEDS_ESCAPE.test(text)) {
      // Long and plain: one native copy (every character is one byte).
      this.ensure(n + 2);
      const buf = this.buf;
      buf[this.pos++] = 0x22;
      this.pos += buf.write(text, this.pos, 'latin1');
      buf[this.pos++] = 0x22;
      return;
    }
    this.ensure(n + 2);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Printable ASCII but `"` and `\`: as is; anything else is left to JSON.stringify.
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return this.escaped(text, start);
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** The rare string with escapes or non-ASCII: JSON.stringify's text (lone surrogates escaped). */
  private escaped(text: string, start: number): void {
    const quoted = JSON.stringify(text);
    this.pos = start;
    this.ensure(quoted.length * 3);
    this.pos += this.buf.write(quoted, this.pos, 'utf8');
  }
}
