// Every id is a hash of a stable identity, so a restart or a second replica makes the same ids
// for the same input and backends merge rather than duplicate. The hash needs to spread, not to
// resist attack, and runs for every span: a 128-bit non-cryptographic one (cyrb128, four
// interleaved 32-bit lanes with murmur-style mixing) instead of sha256.

// The hash's four lanes, fed piece by piece: an id's input (`span/<uid>/<count>`) is never built
// as a string (a template literal made a string, and the hash an array, for every span).
let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;

function begin(): void {
  h1 = 1779033703;
  h2 = 3144134277;
  h3 = 1013904242;
  h4 = 2773480762;
}

function mixCode(k: number): void {
  h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
  h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
  h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
  h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
}

function mix(str: string): void {
  for (let i = 0; i < str.length; i++) mixCode(str.charCodeAt(i));
}

const digits: number[] = [];

/** Mixes `String(n)`'s characters (a safe integer's digits without making the string). */
function mixNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) return mix(String(n));
  let d = 0;
  do {
    digits[d++] = 48 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  while (d > 0) mixCode(digits[--d]!);
}

function finish(): void {
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
}

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const codes16: number[] = new Array<number>(16).fill(48);
const codes32: number[] = new Array<number>(32).fill(48);

function putLane(codes: number[], lane: number, at: number): void {
  for (let i = at + 7; i >= at; i--) {
    codes[i] = HEX_DIGITS[lane & 15]!;
    lane >>>= 4;
  }
}

/**
 * The finished hash's first 2 or 4 lanes as lowercase hex, one flat string (`fromCharCode`; no
 * concatenation tree to retain). An all-zero id is invalid in W3C trace context: its last digit
 * becomes 1.
 */
function hexOut(lanes: 2 | 4): string {
  const codes = lanes === 2 ? codes16 : codes32;
  putLane(codes, h1, 0);
  putLane(codes, h2, 8);
  if (lanes === 4) {
    putLane(codes, h3, 16);
    putLane(codes, h4, 24);
  }
  if ((h1 | h2 | (lanes === 4 ? h3 | h4 : 0)) === 0) codes[codes.length - 1] = 49;
  return String.fromCharCode.apply(null, codes);
}

/** Span id of an event's span: the event's uid and the count of the first occurrence it shows. */
export function eventSpanId(eventUid: string, count: number): string {
  // = hash(`span/${eventUid}/${count}`)
  begin();
  mix('span/');
  mix(eventUid);
  mixCode(47); // '/'
  mixNumber(count);
  finish();
  return hexOut(2);
}

/**
 * Trace id of a change (the top object's uid and generation, see changes.ts for the key), in a
 * cluster: object uids are unique across clusters, but the same capture replayed as two clusters is
 * not, so the cluster's uid is hashed in too. Without one the id is what it always was.
 */
export function changeTraceId(changeKey: string, clusterUid?: string): string {
  // = hash(`trace/${clusterUid}/${changeKey}`), or hash(`trace/${changeKey}`)
  begin();
  mix('trace/');
  if (clusterUid) {
    mix(clusterUid);
    mixCode(47);
  }
  mix(changeKey);
  finish();
  return hexOut(4);
}

/** Span id of a change's root span, whether synthesised or taken by a top-level event. */
export function rootSpanId(changeKey: string): string {
  begin();
  mix('root/');
  mix(changeKey);
  finish();
  return hexOut(2);
}

/** A W3C trace context, as carried in a `traceparent` annotation. */
export interface RemoteParent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a W3C `traceparent` header value; `undefined` when it is not a valid one. */
export function parseTraceparent(value: string): RemoteParent | undefined {
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}
