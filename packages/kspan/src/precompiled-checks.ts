import { createHash } from 'node:crypto';
import type * as Generated from './config-validators.js';
import { ServiceSchema, usePrecompiledChecks, type ComponentSpecs } from '@kspan/core/config';

type Schema =
  Parameters<typeof usePrecompiledChecks>[0] extends Iterable<[infer S, unknown]> ? S : never;

/** The same digest scripts/gen-config-validators.mjs records for each schema. */
export function schemaDigest(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/** Every schema a config is checked against, by the key the generated checks use. */
export function configSchemas(specs: ComponentSpecs): Map<string, Schema> {
  const out = new Map<string, Schema>([['service', ServiceSchema]]);
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const spec of specs[kind] ?? []) out.set(`${kind}/${spec.type}`, spec.configSchema);
  }
  return out;
}

/**
 * Puts the checks the build generated (dist/config-validators.js) in place of compiling the schemas
 * with ajv at run time: `kspan validate` then loads no ajv (start-up time, issue 15). A check is used
 * only while its schema's digest matches the schema held here, so a stale build costs time, never a
 * wrong answer. Returns how many were used, and how many schemas had none.
 */
export async function usePrecompiledConfigChecks(
  specs: ComponentSpecs,
): Promise<{ used: number; missing: number }> {
  const schemas = configSchemas(specs);
  let generated: typeof Generated;
  try {
    generated = await import('./config-validators.js');
  } catch {
    // not built (tests run from the sources): every schema is compiled at run time
    return { used: 0, missing: schemas.size };
  }
  const fresh = generated.checks.flatMap(([key, digest, check]) => {
    const schema = schemas.get(key);
    return schema && schemaDigest(schema) === digest
      ? [[schema, check] as [Schema, typeof check]]
      : [];
  });
  usePrecompiledChecks(fresh);
  return { used: fresh.length, missing: schemas.size - fresh.length };
}
