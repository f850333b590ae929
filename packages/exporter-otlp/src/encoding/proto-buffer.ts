import { ByteBuffer, SHORT } from './byte-buffer.js';

/**
 * A growable byte buffer with the protobuf wire primitives the trace encoder needs. Nested
 * messages are written in one pass: `begin` reserves room for the length, `end` writes it and
 * moves the message when its length took a different number of bytes than reserved (the
 * reservation is picked per message kind so that this is rare). Lengths come out minimal, as the
 * official writer makes them, so the bytes are the same.
 */
export class ProtoBuffer extends ByteBuffer {
  /** An unsigned value below 2^32 (tags, lengths, counts, small non-negative ints). */
  uint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** An int64 varint from an integral number: negatives in two's complement (ten bytes). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) return this.uint32(value);
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    this.ensure(10);
    while (high > 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buf[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Length-delimited bytes. */
  lengthDelimited(bytes: Uint8Array): void {
    this.uint32(bytes.length);
    this.raw(bytes);
  }

  /** A length-delimited UTF-8 string (lone surrogates become U+FFFD, as with TextEncoder). */
  string(text: string): void {
    const n = text.length;
    if (n <= SHORT) {
      // Short ASCII, the usual case: one length byte, one byte a character, no native call.
      this.ensure(n + 1);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = p;
        return;
      }
    }
    // Room for the length as if the text were ASCII; `end` moves the bytes if it is not and the
    // length needs more.
    const reserve = varintSize(n);
    this.ensure(reserve + n * 3);
    const start = this.pos;
    this.pos += reserve + this.buf.write(text, start + reserve, 'utf8');
    this.end(start, reserve);
  }

  /** Hex text (a trace or span id) as length-delimited bytes, two digits a byte. */
  hex(text: string): void {
    const n = text.length >>> 1;
    this.uint32(n);
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < 2 * n; i += 2) {
      const high = text.charCodeAt(i);
      const low = text.charCodeAt(i + 1);
      buf[p++] =
        ((high < 0x80 ? NIBBLES[high]! : nibble(high)) << 4) |
        (low < 0x80 ? NIBBLES[low]! : nibble(low));
    }
    this.pos = p;
  }

  /** Reserves `reserve` bytes for a length; returns where the message starts. */
  begin(reserve: number): number {
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start;
  }

  /** Writes the length of the message begun at `start`, moving it if the length needs more or less room. */
  end(start: number, reserve: number): void {
    const length = this.pos - start - reserve;
    const size = varintSize(length);
    if (size !== reserve) {
      this.ensure(size - reserve);
      this.buf.copyWithin(start + size, start + reserve, this.pos);
      this.pos += size - reserve;
    }
    let v = length;
    let p = start;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** One hex digit's value, with the official hexToBinary's reading of other characters. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return (c - 55) & 0xff;
}

/**
 * `nibble` of each ASCII character, looked up: an id is 48 of them a span, and with a smaller JIT
 * inlining budget (`kspan replay`'s) the call per character was ~1 % of the service path.
 */
const NIBBLES = Uint8Array.from({ length: 0x80 }, (_, c) => nibble(c));
