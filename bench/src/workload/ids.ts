import type { Rng } from './prng.js';

// Names and identifiers the way Kubernetes makes them.

/** apimachinery's `rand.String` alphabet (no vowels, no ambiguous characters). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';

/** A random (v4) UID. */
export function uid(rng: Rng): string {
  const h = rng.chars(HEX, 32);
  const variant = HEX[8 + rng.int(0, 3)] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A ReplicaSet's `pod-template-hash` (e.g. `5d567cc74c`). */
export function templateHash(rng: Rng): string {
  return rng.chars(SAFE, 10);
}

/** The random suffix of a generated name (`px-5d567cc74c-ss4lb`). */
export function nameSuffix(rng: Rng): string {
  return rng.chars(SAFE, 5);
}

/** A core/v1 Event name as client-go's recorder makes it: `<object>.<unix nanoseconds in hex>`. */
export function eventName(objectName: string, timeMs: number, rng: Rng): string {
  const nanos = BigInt(Math.floor(timeMs)) * 1_000_000n + BigInt(rng.int(0, 999_999));
  return `${objectName}.${nanos.toString(16)}`;
}

/** The cluster-wide resourceVersion sequence. */
export class ResourceVersions {
  private rv: number;

  constructor(start = 5_000_000) {
    this.rv = start;
  }

  next(): string {
    this.rv++;
    return String(this.rv);
  }

  current(): string {
    return String(this.rv);
  }
}

/** RFC 3339 with second precision, as `firstTimestamp`/`lastTimestamp`/`creationTimestamp`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as `eventTime` (MicroTime). */
export function isoMicros(ms: number, rng: Rng): string {
  const base = new Date(Math.floor(ms)).toISOString(); // ...ss.mmmZ
  return `${base.slice(0, -1)}${String(rng.int(0, 999)).padStart(3, '0')}Z`;
}

/** RFC 3339 with nanoseconds, as a watcher's `observedAt`. */
export function isoNanos(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1_000_000);
  const base = new Date(whole).toISOString();
  return `${base.slice(0, -1)}${String(frac).padStart(6, '0')}Z`;
}
