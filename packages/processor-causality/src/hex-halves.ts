// Lowercase hex held as 32-bit halves: eight digits are a signed 32-bit integer, a small integer
// in V8 stored in its object, where a string is an object of its own (a span id: 32 bytes, and a
// causal event's span is held `parent_ttl`). Used for span ids (records.ts, seen-table.ts),
// Event names (event-name.ts) and the hex time in them (event-order.ts).

/** A lowercase hex digit's value (a character code), or -1. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The halves `readHex16` read last (a result object made once, not one per call). */
export const halves = { hi: 0, lo: 0 };

/**
 * Reads sixteen lowercase hex digits of `s` from `from` into `halves`, checking and reading in
 * one pass; false (`halves` left as it was) when they are not that.
 */
export function readHex16(s: string, from: number): boolean {
  if (s.length < from + 16) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 16; i++) {
    const d = hexDigit(s.charCodeAt(from + i));
    if (d < 0) return false;
    if (i < 8) hi = (hi << 4) | d;
    else lo = (lo << 4) | d;
  }
  halves.hi = hi;
  halves.lo = lo;
  return true;
}

/** Reads a span id (16 lowercase hex digits, ids.ts) into `halves`; anything else is an internal error. */
export function readSpanId(id: string): void {
  if (id.length !== 16 || !readHex16(id, 0)) throw new Error(`not a span id: ${id}`);
}

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const codes: number[] = new Array<number>(16).fill(48);

/** Two halves as sixteen lowercase hex digits, one flat string. */
export function hex16(hi: number, lo: number): string {
  for (let i = 7; i >= 0; i--) {
    codes[i] = HEX_DIGITS[hi & 15]!;
    hi >>>= 4;
  }
  for (let i = 15; i >= 8; i--) {
    codes[i] = HEX_DIGITS[lo & 15]!;
    lo >>>= 4;
  }
  return String.fromCharCode.apply(null, codes);
}

/** -1, 0 or 1 as two halves pairs compare unsigned (as their hex strings of one width do). */
export function compareHex(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi >>> 0 < bHi >>> 0 ? -1 : 1;
  if (aLo !== bLo) return aLo >>> 0 < bLo >>> 0 ? -1 : 1;
  return 0;
}
