import type * as AjvModule from 'ajv';
import type { Ajv, ErrorObject } from 'ajv';
import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import type { FactoryBase } from '../component.js';
import type { ConfigProblem } from '../errors.js';
import { fromPointer, joinPath } from './path.js';
import { suggestion } from './suggest.js';

/**
 * A compiled check: true when `value` is valid (defaults written into it), else `errors` says why.
 * What ajv compiles at run time and what the build generates ahead of time (`precompile`) alike.
 */
export interface CompiledCheck {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The ajv options of every check, at run time and in the build's generated validators. */
export const AJV_OPTIONS = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  verbose: true,
  // Our schemas are built by TypeBox and checked against the meta-schema by a unit test instead of
  // at every start.
  validateSchema: false,
} as const;

// ajv is loaded only when a schema has no generated check (start-up time of `kspan validate`,
// issue 15: loading and compiling cost about 100 ms). It is CommonJS, so it loads synchronously.
const require = createRequire(import.meta.url);
let runtimeAjv: Ajv | undefined;
function ajv(): Ajv {
  // The unoptimised validator code is as correct and compiles in half the time (it runs once per config).
  runtimeAjv ??= new (require('ajv') as typeof AjvModule).Ajv({
    ...AJV_OPTIONS,
    code: { optimize: false },
  });
  return runtimeAjv;
}

/**
 * ajv with defaults applied in place and every error reported; one compiled validator per schema.
 * The one place a config value is checked against its schema: the service's validation, single
 * components (`resolveComponentConfig`) and the test helpers all come through here.
 */
export class SchemaValidator {
  private readonly compiled = new WeakMap<TSchema, CompiledCheck>();

  /** Uses `check`, generated ahead of time from `schema` with AJV_OPTIONS, instead of compiling it. */
  precompile(schema: TSchema, check: CompiledCheck): void {
    this.compiled.set(schema, check);
  }

  /** Checks `value` (defaults are written into it) and reports problems under `base`. */
  check(schema: TSchema, value: unknown, base: string): ConfigProblem[] {
    let fn = this.compiled.get(schema);
    if (!fn) {
      fn = ajv().compile(schema);
      this.compiled.set(schema, fn);
    }
    if (fn(value)) return [];
    return toProblems(fn.errors ?? [], base);
  }

  /** A component's settings: the schema, then (only if that passed) the factory's own check. */
  checkComponent(
    factory: Pick<FactoryBase<TSchema>, 'configSchema' | 'checkConfig'>,
    config: unknown,
    base: string,
  ): ConfigProblem[] {
    const problems = this.check(factory.configSchema, config, base);
    if (problems.length > 0 || !factory.checkConfig) return problems;
    return factory
      .checkConfig(config)
      .map((p) => ({ path: under(base, p.path), message: p.message }));
  }
}

/** A path relative to a component's settings (`rules[0].message`, `[2]`, '') put under `base`. */
function under(base: string, relative: string): string {
  if (!relative) return base;
  if (!base) return relative;
  return relative.startsWith('[') ? `${base}${relative}` : `${base}.${relative}`;
}

interface SchemaNode {
  description?: string;
  properties?: object;
  patternProperties?: object;
  anyOf?: Array<{ const?: unknown; enum?: unknown[] }>;
}

/** The allowed values of a choice (a union of literals), or undefined when it is not one. */
function choices(schema: SchemaNode | undefined): unknown[] | undefined {
  const branches = schema?.anyOf;
  if (!branches?.length) return undefined;
  const values: unknown[] = [];
  for (const b of branches) {
    if ('const' in b) values.push(b.const);
    else if (Array.isArray(b.enum)) values.push(...b.enum);
    else return undefined;
  }
  return values;
}

/** ajv errors → one readable problem per wrong value (alternatives collapsed into one line). */
function toProblems(errors: ErrorObject[], base: string): ConfigProblem[] {
  const unionPaths = new Set(
    errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of errors) {
    if (unionPaths.has(e.instancePath) && e.keyword !== 'anyOf') continue;
    let path = fromPointer(base, e.instancePath);
    const schema = e.parentSchema as SchemaNode | undefined;
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      path = joinPath(path, key);
      const known = Object.keys(schema?.properties ?? {});
      if (known.length === 0 && schema?.patternProperties && schema.description) {
        // A map whose keys follow a rule (pipeline names): say the rule.
        message = `invalid name; ${schema.description}`;
      } else {
        message = `unknown key${suggestion(key, known)}${known.length ? `; allowed: ${known.join(', ')}` : ''}`;
      }
    } else if (e.keyword === 'anyOf') {
      const allowed = choices(schema);
      const expected = allowed
        ? `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
        : schema?.description;
      message = `invalid value ${JSON.stringify(e.data)}${expected ? `: expected ${expected}` : ''}`;
    } else if (e.keyword === 'enum' || e.keyword === 'const') {
      message = `${e.message ?? 'invalid'}: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)}`;
    } else {
      message = `${e.message ?? 'invalid'}${e.keyword === 'type' ? `, got ${JSON.stringify(e.data)}` : ''}`;
    }
    const key = `${path}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}
