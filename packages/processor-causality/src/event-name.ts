// A held event's name serves one thing: which of two events on one object's timeline was created
// first (span-output.ts, for span ends). client-go names an Event `<object>.<creation time in ns,
// hex>`, and the object's name is the end of the event's object key, held anyway: such a name is
// kept as the hex's two 32-bit halves (small integers) instead of a string of 40-60 bytes for each
// held event — a causal one is held `parent_ttl`. Any other name is kept as it is.

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** Whether `name` is `<objectName>.<16 lowercase hex digits>` and `objKey` ends in `/<objectName>`. */
export function isHexName(name: string, objectName: string, objKey: string): boolean {
  const n = objectName.length;
  if (n === 0 || name.length !== n + 17 || name.charCodeAt(n) !== 46) return false;
  if (objKey.length <= n || objKey.charCodeAt(objKey.length - n - 1) !== 47) return false;
  if (!name.startsWith(objectName) || !objKey.endsWith(objectName) || objectName.includes('/'))
    return false;
  for (let i = n + 1; i < name.length; i++) if (!isHexDigit(name.charCodeAt(i))) return false;
  return true;
}

/** Eight hex digits of `name` from `from` as a signed 32-bit integer (a small integer in V8). */
export function hexHalf(name: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = name.charCodeAt(i);
    v = (v << 4) | (c <= 57 ? c - 48 : c - 87);
  }
  return v;
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** The name `isHexName` accepted, made again from its object key and halves. */
export function hexNameOf(objKey: string, hi: number, lo: number): string {
  return `${objKey.slice(objKey.lastIndexOf('/') + 1)}.${hex8(hi)}${hex8(lo)}`;
}

/**
 * Two such names of the same object (the same length): -1, 0 or 1 as their hex compares —
 * what comparing the names as strings gives (lowercase hex digits of one width sort as numbers).
 */
export function compareHex(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi >>> 0 < bHi >>> 0 ? -1 : 1;
  if (aLo !== bLo) return aLo >>> 0 < bLo >>> 0 ? -1 : 1;
  return 0;
}
