/** Up to this many bytes a JS loop copies faster than a native call (measured: 64 over 16-128). */
export const SHORT = 64;
/**
 * Up to this many bytes a JS loop copies bytes faster than `TypedArray.set`, which (unlike a
 * string write) is no call into C++: measured on the OTLP/JSON writer, whose cached key prefixes
 * are 30-60 bytes, 98k spans per CPU-s with 64, 125k with 16, 121k with 4 or 32.
 */
export const SHORT_BYTES = 16;

/** A growable byte buffer, reused from one message to the next (the encoders' output). */
export class ByteBuffer {
  buf: Buffer;
  pos = 0;

  constructor(private readonly initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Starts a new message, keeping the memory unless a huge one made it grow. */
  reset(): void {
    if (this.buf.length > 16 * this.initialSize) this.buf = Buffer.allocUnsafe(this.initialSize);
    this.pos = 0;
  }

  /** A copy of what was written (the buffer itself is reused). */
  bytes(): Uint8Array {
    const out = Buffer.allocUnsafeSlow(this.pos); // every byte is written next
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /**
   * The finished message, for the caller to keep, ending this one (the next starts empty). When
   * it fills at least half the buffer, it is the buffer itself and the writer takes a new one of
   * the same size: a message of a full batch is ~1 MB, and copying it was ~8 % of the OTLP/JSON
   * writer's time. A smaller one is copied, so that a kept message holds no more than twice its
   * size.
   */
  take(): Uint8Array {
    if (this.pos < this.buf.length >>> 1) {
      const out = this.bytes();
      this.pos = 0;
      return out;
    }
    const out = this.buf.subarray(0, this.pos);
    const size = this.buf.length > 16 * this.initialSize ? this.initialSize : this.buf.length;
    this.buf = Buffer.allocUnsafeSlow(size); // every byte is written before it is read
    this.pos = 0;
    return out;
  }

  /** What was written, as text. */
  text(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }

  ensure(more: number): void {
    const needed = this.pos + more;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** One byte (a bracket, a comma). */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Bytes as they are (e.g. a part encoded once and cached). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n > SHORT_BYTES) {
      this.buf.set(bytes, this.pos);
      this.pos += n;
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = bytes[i]!;
    this.pos = p;
  }
}
