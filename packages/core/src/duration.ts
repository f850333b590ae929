import { Type } from '@sinclair/typebox';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Parses a duration such as `5s`, `250ms`, `1.5m` or `2h`; a bare number is milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid duration ${value}`);
    return value;
  }
  const m = DURATION_RE.exec(value.trim());
  if (!m) throw new RangeError(`invalid duration "${value}" (use e.g. 500ms, 5s, 1m, 1h)`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/**
 * Schema of a duration config value: `5s`-style text or milliseconds. Without a default the key
 * stays unset after validation (for settings an environment variable may still provide).
 */
export function DurationSchema(defaultValue: string | undefined, description: string) {
  return Type.Union([Type.String({ pattern: DURATION_RE.source }), Type.Number({ minimum: 0 })], {
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    description: `${description} (e.g. 500ms, 5s, 1m; a number is milliseconds)`,
  });
}
