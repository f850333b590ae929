import type { HrTime } from '@opentelemetry/api';

// Times are held as integer microseconds since the epoch: exact for Kubernetes' MicroTime, and
// still an ordinary number (2^53 µs is ~285 years).

/** A parsed time: µs since the epoch, and whether it had sub-second digits. */
export interface ParsedTime {
  us: number;
  /** Whole seconds only (`lastTimestamp`, `firstTimestamp`): the real instant lies in [us, us + 1s). */
  coarse: boolean;
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
const num2 = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * Parses an RFC 3339 time (hand-rolled: this runs for every event). `undefined`/`null`/`''` give
 * `undefined` (absent); anything else that is not a valid time gives `null` (present but bad), so
 * callers can tell the two apart.
 */
export function parseTime(value: unknown): ParsedTime | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length < 20) return null;
  const s = value;
  const sep = s.charCodeAt(10);
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return null;
  if (sep !== 84 && sep !== 116 && sep !== 32) return null; // T, t, space
  const year = num2(s, 0) * 100 + num2(s, 2);
  const month = num2(s, 5);
  const day = num2(s, 8);
  const hour = num2(s, 11);
  const minute = num2(s, 14);
  const second = num2(s, 17);
  if (
    Number.isNaN(year + month + day + hour + minute + second) ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  )
    return null;
  let i = 19;
  let micros = 0;
  let coarse = true;
  if (s.charCodeAt(i) === 46) {
    // Fraction: keep microseconds, truncate the rest (observedAt has nanoseconds).
    i++;
    const start = i;
    let scale = 100_000;
    while (i < s.length) {
      const d = digit(s, i);
      if (Number.isNaN(d)) break;
      micros += d * scale;
      scale = scale / 10;
      i++;
    }
    if (i === start) return null;
    micros = Math.floor(micros);
    coarse = false;
  }
  let offsetMin = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122)
    i++; // Z, z
  else if (z === 43 || z === 45) {
    if (s.charCodeAt(i + 3) !== 58) return null;
    const h = num2(s, i + 1);
    const m = num2(s, i + 4);
    if (Number.isNaN(h + m)) return null;
    offsetMin = (z === 43 ? 1 : -1) * (h * 60 + m);
    i += 6;
  } else return null;
  if (i !== s.length) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
  return { us: ms * 1000 + micros, coarse };
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
