import type { HrTime } from '@opentelemetry/api';

// Times are integer microseconds since the epoch; the parser and the rule for an Event's time
// live in core (event-time.ts), shared with the receiver.

import { parseRfc3339, type ParsedTime } from '@kspan/core';

export { parseRfc3339 as parseTime, type ParsedTime } from '@kspan/core';

/**
 * The parser with its last input remembered: consecutive Events mostly carry the same whole-second
 * time (3 in 4 on the benchmark's capture), which is then parsed once. A result is shared by
 * every caller that gave the same text: never written to.
 */
export class TimeMemo {
  private text: unknown = undefined;
  private parsed: ParsedTime | undefined | null = undefined;

  parse(value: unknown): ParsedTime | undefined | null {
    if (value !== this.text) {
      this.text = value;
      this.parsed = parseRfc3339(value);
    }
    return this.parsed;
  }
}

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

// Times held long (a causal event's for `parent_ttl`) are kept as whole seconds and µs within the
// second: both small integers, stored in the object, where a µs time is a 16-byte number box.

/** Whole seconds of a µs time (itself when not finite: `sec * 1e6 + micros` gives it back). */
export function wholeSeconds(us: number): number {
  return Number.isFinite(us) ? Math.floor(us / 1e6) : us;
}

/** µs of `us` within its second `sec`: a small integer when `us` is whole (`| 0`; a fraction stays exact). */
export function microsWithin(us: number, sec: number): number {
  if (!Number.isFinite(us)) return 0;
  const sub = us - sec * 1e6;
  return Number.isInteger(sub) ? sub | 0 : sub;
}
