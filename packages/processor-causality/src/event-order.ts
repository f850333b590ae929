import { hexDigit } from './hex-halves.js';
import type { NormEvent } from './normalize.js';
import { Occurrence } from './occurrence.js';

// Time below the second. A core/v1 Event's times are whole seconds, but client-go names an Event
// `<object name>.<creation time in Unix nanoseconds, hex>` and its first occurrence is its creation:
// so the first occurrence is known to the microsecond, and the controllers of one
// kube-controller-manager share its clock. That orders the steps of one second (a Deployment's
// `Scaled up … from 1 to 2`, then `… from 2 to 3`) and the pods each one created.

/**
 * The creation time (µs) in an Event's name `<object>.<hex ns>` (15 or 16 lowercase hex digits),
 * if it has one. Read digit by digit: it runs for every event item (a regex test, two slices and
 * two `parseInt`s did).
 */
export function nameTimeUs(eventName: string, objectName: string): number | undefined {
  const digits = eventName.length - objectName.length - 1;
  if (digits !== 16 && digits !== 15) return undefined;
  if (eventName.charCodeAt(objectName.length) !== 46 || !eventName.startsWith(objectName))
    return undefined;
  // ns = h·2^32 + l (l the last 8 digits), and 2^32 = 4294967·1000 + 296: exact µs without BigInt.
  let h = 0;
  let l = 0;
  const lowFrom = eventName.length - 8;
  for (let i = objectName.length + 1; i < eventName.length; i++) {
    const d = hexDigit(eventName.charCodeAt(i));
    if (d < 0) return undefined;
    if (i < lowFrom) h = h * 16 + d;
    else l = l * 16 + d;
  }
  return h * 4294967 + Math.floor((h * 296 + l) / 1000);
}

/** When an occurrence happened: from the event alone (`t`), and as best known (`at`). */
export interface OccurrenceTime {
  t: number;
  coarse: boolean;
  at: number;
}

/**
 * An occurrence of `ev`, with its time. `t`: the event's own, refined to the microsecond from the
 * name for the first occurrence of a core/v1 Event — a function of the event alone, so span times
 * are the same live, replayed or re-listed. `at`, for ordering causes only: a later occurrence (a
 * count, which only moves `lastTimestamp`) still has whole seconds, refined by when it was
 * observed if that lies in the same second (it happened then or a little before: a StatefulSet's
 * second `create Pod db-0` after the `delete Pod db-0` of that second). Built in one object: this
 * runs for every event item.
 */
export function occurrenceOf(ev: NormEvent): Occurrence {
  const second = Math.floor(ev.t / 1e6);
  let t = ev.t;
  let coarse = ev.coarse;
  const named = coarse && ev.count === 1 ? nameTimeUs(ev.name, ev.regarding.name) : undefined;
  if (named !== undefined && Math.floor(named / 1e6) === second) {
    t = named;
    coarse = false;
  }
  // Observed (not defaulted to the event's own time) within its second.
  const at = coarse && ev.obs !== ev.t && Math.floor(ev.obs / 1e6) === second ? ev.obs : t;
  return new Occurrence(ev.count, t, coarse, at, ev.obs);
}

/** The latest an occurrence can have happened (µs): `t`, the observation, or the second's end. */
export function latest(o: OccurrenceTime): number {
  if (!o.coarse) return o.t;
  return o.at !== o.t ? o.at : Math.floor(o.t / 1e6) * 1e6 + 999_999;
}

/** The earliest an occurrence can have happened (µs): `t`, or the start of its second. */
export function earliest(o: { t: number; coarse: boolean }): number {
  return o.coarse ? Math.floor(o.t / 1e6) * 1e6 : o.t;
}
