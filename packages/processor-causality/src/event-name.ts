// A held event's name serves one thing: which of two events on one object's timeline was created
// first (span-output.ts, for span ends). client-go names an Event `<object>.<creation time in ns,
// hex>`, and the object's name is the end of the event's object key, held anyway: such a name is
// kept as the hex's two 32-bit halves (hex-halves.ts) instead of a string of 40-60 bytes for each
// held event — a causal one is held `parent_ttl`. Any other name is kept as it is.
import { hex16, readHex16 } from './hex-halves.js';

/**
 * Whether `name` is `<objectName>.<16 lowercase hex digits>` and `objKey` ends in `/<objectName>`;
 * if so its digits are read into `halves` (hex-halves.ts).
 */
export function isHexName(name: string, objectName: string, objKey: string): boolean {
  const n = objectName.length;
  if (n === 0 || name.length !== n + 17 || name.charCodeAt(n) !== 46) return false;
  if (objKey.length <= n || objKey.charCodeAt(objKey.length - n - 1) !== 47) return false;
  if (!name.startsWith(objectName) || !objKey.endsWith(objectName) || objectName.includes('/'))
    return false;
  return readHex16(name, n + 1);
}

/** The name `isHexName` accepted, made again from its object key and halves. */
export function hexNameOf(objKey: string, hi: number, lo: number): string {
  return `${objKey.slice(objKey.lastIndexOf('/') + 1)}.${hex16(hi, lo)}`;
}
