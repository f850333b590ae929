// What a component under test is built with: its validated config and a standalone context.
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';
import { standaloneContext, systemClock, type ComponentContext } from '@kspan/core';

/** A config with the schema's defaults filled in, as the engine's validation leaves it. */
export function withDefaults<S extends TSchema>(schema: S, config: unknown): Static<S> {
  return Value.Default(schema, structuredClone(config)) as Static<S>;
}

export function testContext(
  id: string,
  overrides: Partial<ComponentContext> = {},
): ComponentContext {
  return standaloneContext({ id, clock: systemClock, ...overrides });
}

/** Quick retries so the retry tests take milliseconds. */
export const FAST_RETRY = { initial_interval: '5ms', max_interval: '20ms', max_elapsed: '5s' };
