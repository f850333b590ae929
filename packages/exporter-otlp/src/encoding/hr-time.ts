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
 * Nanoseconds since the epoch as the two 32-bit halves of a fixed64 (protobuf), low first.
 * Values outside uint64 wrap, as in the official encoder.
 */
export function nanosHalves(time: HrTime): [low: number, high: number] {
  const [s, ns] = time;
  if (!isPlainTime(s, ns)) {
    const n = BigInt.asUintN(64, nanosBigInt(time));
    return [Number(n & 0xffffffffn), Number(n >> 32n)];
  }
  // s * 1e9 = (sHigh * 2^16 + sLow) * 1e9; each product stays below 2^53, so it is exact.
  const sLow = s % 0x10000;
  const sHigh = (s - sLow) / 0x10000;
  const fromHigh = sHigh * NS_PER_S; // times 2^16 still to apply
  const fromHighLow16 = fromHigh % 0x10000;
  // total = (fromHigh - fromHighLow16) * 2^16 + fromHighLow16 * 2^16 + sLow * 1e9 + ns
  const rest = fromHighLow16 * 0x10000 + sLow * NS_PER_S + ns; // < 2^53
  const restLow = rest % 0x100000000;
  const high = (fromHigh - fromHighLow16) / 0x10000 + (rest - restLow) / 0x100000000;
  return [restLow, high >>> 0];
}
