import type { HrTime } from '@opentelemetry/api';

// Times are integer microseconds since the epoch; the parser and the rule for an Event's time
// live in core (event-time.ts), shared with the receiver.

export { parseRfc3339 as parseTime, type ParsedTime } from '@kspan/core';

/** µs → OpenTelemetry HrTime [seconds, nanoseconds]. */
export function toHrTime(us: number): HrTime {
  const s = Math.floor(us / 1e6);
  return [s, (us - s * 1e6) * 1000];
}

/** Whether `a` may have happened no later than `b`, comparing at the coarser of the two precisions. */
export function notAfter(aUs: number, aCoarse: boolean, bUs: number, bCoarse: boolean): boolean {
  if (aCoarse || bCoarse) return Math.floor(aUs / 1e6) <= Math.floor(bUs / 1e6);
  return aUs <= bUs;
}
