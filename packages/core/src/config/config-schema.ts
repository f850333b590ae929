import type { TSchema } from '@sinclair/typebox';
import type { AnySpec, ComponentSpecs } from '../component.js';
import { ServiceSchema } from './service-schema.js';

/**
 * The whole config as one JSON Schema (for editors and `kspan print-schema`). Each section's keys
 * are matched by component type (`otlp` and `otlp/<name>`) to that component's schema.
 */
export function buildConfigSchema(components: ComponentSpecs): Record<string, unknown> {
  const section = (factories: readonly AnySpec[], what: string) => ({
    type: 'object',
    description: `${what}, keyed by id: <type> or <type>/<name>`,
    patternProperties: Object.fromEntries(
      factories.map((f) => [
        `^${f.type}(/[A-Za-z0-9_.-]+)?$`,
        withDescription(f.configSchema, f.description),
      ]),
    ),
    additionalProperties: false,
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'kspan pipeline config',
    type: 'object',
    properties: {
      receivers: section(components.receivers, 'receivers'),
      processors: section(components.processors, 'processors'),
      exporters: section(components.exporters, 'exporters'),
      extensions: section(components.extensions ?? [], 'extensions'),
      service: ServiceSchema,
    },
    required: ['service'],
    additionalProperties: false,
  };
}

function withDescription(schema: TSchema, description: string): Record<string, unknown> {
  // A component may be listed with no settings at all (`debug:`), so null is allowed too.
  return { anyOf: [{ ...schema, description }, { type: 'null' }] };
}
