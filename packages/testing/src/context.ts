// What a component under test is built with: its validated config and a standalone context.
import type { TSchema, Static } from '@sinclair/typebox';
import {
  resolveComponentConfig,
  standaloneContext,
  systemClock,
  type ComponentContext,
} from '@kspan/core';

/**
 * A config checked and completed by core, exactly as the service's validation leaves it (a
 * mistake in a test's config is a ConfigError, not a silently half-filled object).
 */
export function withDefaults<S extends TSchema>(schema: S, config: unknown): Static<S> {
  return resolveComponentConfig({ type: 'test', configSchema: schema }, config, 'test');
}

export function testContext(
  id: string,
  overrides: Partial<ComponentContext> = {},
): ComponentContext {
  return standaloneContext({ id, clock: systemClock, ...overrides });
}

/** Quick retries so the retry tests take milliseconds. */
export const FAST_RETRY = { initial_interval: '5ms', max_interval: '20ms', max_elapsed: '5s' };
