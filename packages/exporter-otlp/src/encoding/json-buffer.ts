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

  /** A whole number in decimal, zero-padded to `width` digits. */
  digits(value: number, width = 1): void {
    const text = String(value);
    const n = text.length;
    this.ensure(n + width);
    const buf = this.buf;
    let p = this.pos;
    for (let i = n; i < width; i++) buf[p++] = 0x30;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
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
    let buf = this.buf;
    const start = this.pos;
    let p = start;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) {
        buf[p++] = c;
        continue;
      }
      // Not ASCII (or DEL): the rare case, left to JSON.stringify and UTF-8.
      if (c > 0x7e) return this.escaped(text, start);
      // An ASCII escape (`\"`, `\\`, `\n`, `\u0001`…; quotes in event messages are common):
      // at most 6 bytes for it and one for each character after it, and the closing quote.
      this.pos = p;
      this.ensure(6 + n - i);
      buf = this.buf;
      p = this.pos;
      buf[p++] = 0x5c;
      const short = SHORT_ESCAPES[c]!;
      if (short !== 0) buf[p++] = short;
      else {
        buf[p++] = 0x75; // u00XX, lowercase hex as JSON.stringify writes it
        buf[p++] = 0x30;
        buf[p++] = 0x30;
        buf[p++] = HEX[c >> 4]!;
        buf[p++] = HEX[c & 15]!;
      }
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** The rare string with non-ASCII: JSON.stringify's text (lone surrogates escaped), as UTF-8. */
  private escaped(text: string, start: number): void {
    const quoted = JSON.stringify(text);
    this.pos = start;
    this.ensure(quoted.length * 3);
    this.pos += this.buf.write(quoted, this.pos, 'utf8');
  }
}

/** The letter after `\\` for what JSON.stringify escapes by name (`"` `\\` \b \t \n \f \r), else 0. */
const SHORT_ESCAPES = new Uint8Array(0x80);
for (const [c, letter] of ['""', '\\\\', '\bb', '\tt', '\nn', '\ff', '\rr'])
  SHORT_ESCAPES[c!.charCodeAt(0)] = letter!.charCodeAt(0);

const HEX = Buffer.from('0123456789abcdef', 'latin1');
