import type { NormEvent } from './normalize.js';

// Time below the second. A core/v1 Event's times are whole seconds, but client-go names an Event
// `<object name>.<creation time in Unix nanoseconds, hex>` and its first occurrence is its creation:
// so the first occurrence is known to the microsecond, and the controllers of one
// kube-controller-manager share its clock. That orders the steps of one second (a Deployment's
// `Scaled up … from 1 to 2`, then `… from 2 to 3`) and the pods each one created.

const HEX_TIME = /^[0-9a-f]{15,16}$/;

/** The creation time (µs) in an Event's name `<object>.<hex ns>`, if it has one. */
export function nameTimeUs(eventName: string, objectName: string): number | undefined {
  if (eventName.length !== objectName.length + 17 && eventName.length !== objectName.length + 16)
    return undefined;
  if (!eventName.startsWith(objectName) || eventName[objectName.length] !== '.') return undefined;
  const hex = eventName.slice(objectName.length + 1);
  if (!HEX_TIME.test(hex)) return undefined;
  // ns = h·2^32 + l, and 2^32 = 4294967·1000 + 296: exact µs without BigInt.
  const h = parseInt(hex.slice(0, -8), 16);
  const l = parseInt(hex.slice(-8), 16);
  return h * 4294967 + Math.floor((h * 296 + l) / 1000);
}

/**
 * An occurrence's time: the event's own (`ev.t`), refined to the microsecond from the name when it
 * is the first occurrence of a core/v1 Event and the name's time lies in the same second.
 */
export function occurrenceTime(ev: NormEvent): { t: number; coarse: boolean } {
  if (!ev.coarse || ev.count !== 1) return ev;
  const named = nameTimeUs(ev.name, ev.regarding.name);
  if (named === undefined || Math.floor(named / 1e6) !== Math.floor(ev.t / 1e6)) return ev;
  return { t: named, coarse: false };
}
