import type { HrTime } from '@opentelemetry/api';

const NS_PER_S = 1_000_000_000;

/**
 * Whole seconds below 2^32 and nanoseconds below 10^9: the arithmetic below is exact for them,
 * and the text is the seconds then the nanoseconds in nine digits (or the nanoseconds alone).
 */
export function isPlainTime(seconds: number, nanos: number): boolean {
  return (
    Number.isInteger(seconds) &&
    Number.isInteger(nanos) &&
    seconds >= 0 &&
    seconds < 2 ** 32 &&
    nanos >= 0 &&
    nanos < NS_PER_S
  );
}

/** The BigInt route of the official encoders: any value, truncated to whole units. */
function nanosBigInt(time: HrTime): bigint {
  return BigInt(Math.trunc(time[0])) * 1_000_000_000n + BigInt(Math.trunc(time[1]));
}

/** Nanoseconds since the epoch as decimal text (OTLP/JSON's `…UnixNano` strings). */
export function nanosText(time: HrTime): string {
  const [s, ns] = time;
  if (!isPlainTime(s, ns)) return nanosBigInt(time).toString();
  if (s === 0) return String(ns);
  // Seconds then nine digits of nanoseconds: no BigInt, which costs an allocation per value.
  const digits = String(ns);
  return String(s) + '000000000'.slice(digits.length) + digits;
}

/**
 * Nanoseconds since the epoch as a fixed64 (protobuf: 8 bytes, little-endian) into `buf` at
 * `pos`. Values outside uint64 wrap, as in the official encoder. Written byte by byte, with no
 * array for the two halves and no floating-point remainder (`%` on these values is a call to
 * fmod): ~4x faster than that (measured, 2M times: 185 → 42 ms).
 */
export function writeNanosFixed64(time: HrTime, buf: Uint8Array, pos: number): void {
  const s = time[0];
  const ns = time[1];
  let low: number;
  let high: number;
  if (isPlainTime(s, ns)) {
    // s * 1e9 = (sHigh * 2^16 + sLow) * 1e9, and sHigh * 1e9 = aHigh * 2^16 + aLow: every
    // product and sum below stays under 2^53, and dividing by a power of two is exact.
    const sHigh = Math.floor(s / 0x10000);
    const sLow = s - sHigh * 0x10000;
    const a = sHigh * NS_PER_S;
    const aHigh = Math.floor(a / 0x10000);
    const aLow = a - aHigh * 0x10000;
    const rest = aLow * 0x10000 + sLow * NS_PER_S + ns; // total = aHigh * 2^32 + rest
    const restHigh = Math.floor(rest / 0x100000000);
    low = rest - restHigh * 0x100000000;
    high = (aHigh + restHigh) >>> 0;
  } else {
    const n = BigInt.asUintN(64, nanosBigInt(time));
    low = Number(n & 0xffffffffn);
    high = Number(n >> 32n);
  }
  buf[pos] = low;
  buf[pos + 1] = low >>> 8;
  buf[pos + 2] = low >>> 16;
  buf[pos + 3] = low >>> 24;
  buf[pos + 4] = high;
  buf[pos + 5] = high >>> 8;
  buf[pos + 6] = high >>> 16;
  buf[pos + 7] = high >>> 24;
}
