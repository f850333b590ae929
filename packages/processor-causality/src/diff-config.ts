import { Type, type Static } from '@sinclair/typebox';
import type { ConfigProblem } from '@kspan/core';
import type { DiffSettings } from './spec-compact.js';

/** What changed in a top object's spec, on its change's root (`kspan.change.diff`); see README. */
export const DiffConfigSchema = Type.Object(
  {
    kinds: Type.Array(Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$' }), {
      default: ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'],
      description:
        'top-level kinds whose spec is kept per generation and compared (the receiver must send their spec: `owners.status_kinds`); [] turns the diff off',
    }),
    redact_env: Type.Boolean({
      default: true,
      description: 'show values under `env` as `(redacted)` (the variable names stay)',
    }),
    redact_keys: Type.Array(Type.String({ minLength: 1 }), {
      default: [
        'password',
        'passwd',
        'secret',
        'token',
        'credential',
        'api[-_.]?key',
        'private[-_.]?key',
        'access[-_.]?key',
      ],
      description:
        'JavaScript regular expressions, case-insensitive: values under a key (or a list item named) like one of these, and strings such as `--password=…`, show as `(redacted)`; [] redacts by no key',
    }),
    max_length: Type.Integer({
      minimum: 40,
      default: 512,
      description:
        'longest `kspan.change.diff` attribute in characters; further differences are cut as `… (+N more)` (the span event lists them all)',
    }),
    max_spec_length: Type.Integer({
      minimum: 1,
      default: 16_384,
      description: 'longest compact spec kept, in characters; a longer one is not compared',
    }),
    max_objects: Type.Integer({
      minimum: 1,
      default: 10_000,
      description:
        'top objects kept: each its newest 2 specs and what its last 16 generations changed (least recently updated evicted, counted)',
    }),
    max_stored_length: Type.Integer({
      minimum: 1,
      // A character is a byte of heap (one-byte strings), plus ~0.5 KB per spec kept (measured).
      default: 16_777_216,
      description:
        'characters of compact spec JSON and differences kept in all; beyond it the least recently updated objects are evicted (heap: about this, plus ~0.5 KB per spec kept)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type DiffConfig = Static<typeof DiffConfigSchema>;

/** One secret-looking key pattern (a Go-style `(?i)` is taken: all are case-insensitive), or why it does not compile. */
function keyPattern(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern.replace(/^\(\?i\)/, ''), 'i');
  } catch (err) {
    return `not a regular expression: ${(err as Error).message}`;
  }
}

/** What the schema cannot check: each `redact_keys` pattern compiles. */
export function checkDiffConfig(d: DiffConfig | undefined): ConfigProblem[] {
  return (d?.redact_keys ?? []).flatMap((p, i) => {
    const r = keyPattern(p);
    return typeof r === 'string' ? [{ path: `diff.redact_keys[${i}]`, message: r }] : [];
  });
}

/** The checked `diff` config as the processor uses it: the key patterns as one expression. */
export function diffSettings(d: DiffConfig): DiffSettings {
  const patterns = d.redact_keys.map(keyPattern).filter((r): r is RegExp => typeof r !== 'string');
  return {
    kinds: new Set(d.kinds),
    redactEnv: d.redact_env,
    redactKeys: patterns.length
      ? new RegExp(patterns.map((r) => `(?:${r.source})`).join('|'), 'i')
      : undefined,
    maxLength: d.max_length,
    maxSpecLength: d.max_spec_length,
    maxObjects: d.max_objects,
    maxStoredLength: d.max_stored_length,
  };
}
