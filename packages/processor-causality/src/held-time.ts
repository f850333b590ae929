// A µs time held in a long-lived record as two small integers (whole seconds, µs within), where
// a µs double is a 16-byte number box of its own: time.ts's split, plus the non-finite values a
// record starts with (NaN: not yet; ±Infinity: an empty extent) as a negative µs part.
import { microsWithin, wholeSeconds } from './time.js';

/** `heldSub` of NaN, Infinity and -Infinity (what records start with). */
export const NAN = -1;
export const POSITIVE_INFINITY = -2;
export const NEGATIVE_INFINITY = -3;

/** The seconds part of `us` (0 when not finite). */
export function heldSec(us: number): number {
  return Number.isFinite(us) ? wholeSeconds(us) : 0;
}

/** The µs part of `us` within `heldSec(us)`, or the code of a non-finite value. */
export function heldSub(us: number): number {
  if (Number.isFinite(us)) return microsWithin(us, wholeSeconds(us));
  if (Number.isNaN(us)) return NAN;
  return us > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
}

/** The time `heldSec`/`heldSub` split, exactly. */
export function heldUs(sec: number, sub: number): number {
  if (sub >= 0) return sec * 1e6 + sub;
  return sub === NAN ? NaN : sub === POSITIVE_INFINITY ? Infinity : -Infinity;
}
