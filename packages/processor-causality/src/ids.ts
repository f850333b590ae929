// Every id is a hash of a stable identity, so a restart or a second replica makes the same ids
// for the same input and backends merge rather than duplicate. The hash needs to spread, not to
// resist attack, and runs for every span: a 128-bit non-cryptographic one (cyrb128, four
// interleaved 32-bit lanes with murmur-style mixing) instead of sha256.

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

// One scratch buffer: ids come out as flat one-byte strings (no concatenation trees to retain).
const scratch = Buffer.alloc(16);

function hex(input: string, lanes: 2 | 4): string {
  const h = cyrb128(input);
  for (let i = 0; i < lanes; i++) scratch.writeUInt32BE(h[i]!, i * 4);
  const out = scratch.toString('hex', 0, lanes * 4);
  // An all-zero id is invalid in W3C trace context.
  return /^0+$/.test(out) ? out.slice(0, -1) + '1' : out;
}

/** Span id of an event's span: the event's uid and the count of the first occurrence it shows. */
export function eventSpanId(eventUid: string, count: number): string {
  return hex(`span/${eventUid}/${count}`, 2);
}

/**
 * Trace id of a change (the top object's uid and generation, see changes.ts for the key), in a
 * cluster: object uids are unique across clusters, but the same capture replayed as two clusters is
 * not, so the cluster's uid is hashed in too. Without one the id is what it always was.
 */
export function changeTraceId(changeKey: string, clusterUid?: string): string {
  return hex(clusterUid ? `trace/${clusterUid}/${changeKey}` : `trace/${changeKey}`, 4);
}

/** Span id of a change's root span, whether synthesised or taken by a top-level event. */
export function rootSpanId(changeKey: string): string {
  return hex(`root/${changeKey}`, 2);
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
