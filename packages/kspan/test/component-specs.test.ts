import { expect } from 'chai';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildConfigSchema, type AnySpec } from '@kspan/core/config';
import { components } from '../src/components.js';
import { componentSpecs } from '../src/component-specs.js';
import { REPO } from './helpers.js';

const SECTIONS = ['receivers', 'processors', 'exporters', 'extensions'] as const;

// `validate`, `components` and `print-schema` read the specs; `run` and `replay` the factories.
// They must describe the same components, or `validate` would pass what `run` rejects.
describe('component specs (the fast-loading half of each factory)', () => {
  for (const section of SECTIONS) {
    it(`${section}: the same components, with the same schema, checks and description`, () => {
      const factories = components[section] ?? [];
      const specs: readonly AnySpec[] = componentSpecs[section] ?? [];
      expect(specs.map((s) => s.type)).to.deep.equal(factories.map((f) => f.type));
      factories.forEach((f, i) => {
        const spec = specs[i] as unknown as Record<string, unknown>;
        for (const key of Object.keys(spec))
          expect((f as unknown as Record<string, unknown>)[key], `${f.type}.${key}`).to.equal(
            spec[key],
          );
        for (const key of ['checkConfig', 'leaderElectorOf'])
          expect(key in spec, `${f.type}.${key}`).to.equal(key in f);
        expect(f.create).to.be.a('function');
      });
    });
  }

  // core's validator no longer checks schemas against the meta-schema at each start (start-up
  // time); this does it once for every component.
  it('every config schema, and the whole config schema, is a valid JSON Schema (draft-07)', () => {
    const { Ajv } = createRequire(join(REPO, 'packages/core/package.json'))('ajv') as {
      Ajv: new (o: object) => { validateSchema(s: object): boolean; errorsText(): string };
    };
    const ajv = new Ajv({ strict: false });
    for (const section of SECTIONS)
      for (const spec of componentSpecs[section] ?? []) {
        expect(ajv.validateSchema(spec.configSchema), `${spec.type}: ${ajv.errorsText()}`).to.equal(
          true,
        );
      }
    // The whole config schema holds the service section's schema too.
    expect(ajv.validateSchema(buildConfigSchema(componentSpecs)), ajv.errorsText()).to.equal(true);
  });
});
