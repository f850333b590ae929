// Lowercase hex held as 32-bit halves: eight digits are a signed 32-bit integer, a small integer
// in V8 stored in its object, where a string is an object of its own (a span id: 32 bytes, and a
// causal event's span is held `parent_ttl`). Used for span ids (records.ts) and Event names
// (event-name.ts).

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** Whether `s` has `n` lowercase hex digits from `from` on. */
export function isHexRun(s: string, from: number, n: number): boolean {
  if (s.length < from + n) return false;
  for (let i = from; i < from + n; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Eight lowercase hex digits of `s` from `from` as a signed 32-bit integer. */
export function hexHalf(s: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = s.charCodeAt(i);
    v = (v << 4) | (c <= 57 ? c - 48 : c - 87);
  }
  return v;
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
