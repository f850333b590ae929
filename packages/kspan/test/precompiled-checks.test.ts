import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AJV_OPTIONS, type CompiledCheck } from '@kspan/core/config';
import { componentSpecs } from '../src/component-specs.js';
import { configSchemas, schemaDigest } from '../src/precompiled-checks.js';
import { REPO } from './helpers.js';

// `kspan validate` checks configs with ajv standalone code the build generates from the schemas
// (scripts/gen-config-validators.mjs → dist/config-validators.js) instead of ajv at run time. These
// tests keep the two the same: every schema has a generated check built from its current form,
// and on each schema's edge values it answers as ajv compiling the schema now does.
type Generated = { checks: ReadonlyArray<readonly [string, string, CompiledCheck]> };
const GENERATED = join(REPO, 'packages/kspan/dist/config-validators.js');
// ajv is @kspan/core's dependency (kspan itself has none)
const { Ajv } = createRequire(join(REPO, 'packages/core/package.json'))('ajv') as {
  Ajv: new (options: object) => { compile(schema: unknown): CompiledCheck };
};

/** A few values for a schema: empty, an unknown key, and each property wrong-typed or null. */
function probes(schema: { properties?: Record<string, { type?: unknown }> }): unknown[] {
  const out: unknown[] = [{}, { not_a_setting: 1 }, null, 'text'];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    out.push({ [key]: prop.type === 'string' ? 12345 : 'x' }, { [key]: null }, { [key]: [] });
  }
  return out;
}

/** What a check says about a value: valid or not, the value after defaults, and each error. */
function verdict(check: CompiledCheck, input: unknown) {
  const value = structuredClone(input);
  const valid = check(value);
  const errors = (check.errors ?? []).map((e) => ({
    path: e.instancePath,
    keyword: e.keyword,
    message: e.message,
    params: e.params,
    data: e.data,
    parent: JSON.stringify(e.parentSchema),
  }));
  return { valid, value, errors: valid ? [] : errors };
}

describe('the config checks and the command bundles the build generates (validate and replay start-up)', () => {
  let generated: Generated;
  before(async () => {
    generated = (await import(pathToFileURL(GENERATED).href)) as Generated;
  });
  const schemas = configSchemas(componentSpecs);

  it('every config schema has a generated check made from its current form (else: pnpm build)', () => {
    const fresh = generated.checks.filter(([key, digest]) => {
      const schema = schemas.get(key);
      return schema !== undefined && schemaDigest(schema) === digest;
    });
    expect(fresh.map(([key]) => key).sort()).to.deep.equal([...schemas.keys()].sort());
  });

  const bundler = async () =>
    (await import(pathToFileURL(join(REPO, 'scripts/bundle-commands.mjs')).href)) as {
      bundleValidate(o: { write: boolean }): Promise<string>;
      bundleReplay(o: { write: boolean }): Promise<Map<string, string>>;
      VALIDATE_BUNDLE: string;
      REPLAY_BUNDLE_DIR: string;
    };

  it('the validate bundle is the one the current dist makes (else: pnpm build)', async () => {
    const { bundleValidate, VALIDATE_BUNDLE } = await bundler();
    expect(
      readFileSync(VALIDATE_BUNDLE, 'utf8') === (await bundleValidate({ write: false })),
    ).to.equal(true);
  });

  it('the replay bundle is the one the current dist makes, file for file (else: pnpm build)', async () => {
    const { bundleReplay, REPLAY_BUNDLE_DIR } = await bundler();
    const fresh = await bundleReplay({ write: false });
    const onDisk = readdirSync(REPLAY_BUNDLE_DIR).map((f) => join(REPLAY_BUNDLE_DIR, f));
    expect(onDisk.sort()).to.deep.equal([...fresh.keys()].sort());
    const stale = onDisk.filter((f) => readFileSync(f, 'utf8') !== fresh.get(f));
    expect(stale).to.deep.equal([]);
  });

  it('answers each schema’s edge values as ajv compiling the schema at run time does', () => {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { optimize: false } });
    let compared = 0;
    for (const [key, , check] of generated.checks) {
      const schema = schemas.get(key)!;
      const runtime = ajv.compile(schema) as CompiledCheck;
      for (const input of probes(schema as never)) {
        expect(verdict(check, input), `${key}: ${JSON.stringify(input)}`).to.deep.equal(
          verdict(runtime, input),
        );
        compared++;
      }
    }
    expect(compared).to.be.above(100);
  });
});
