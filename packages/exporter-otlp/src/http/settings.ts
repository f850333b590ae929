import type { Env } from '@kspan/core';
import {
  resolveConnectionSettings,
  type ConnectionSettings,
} from '../common/connection-settings.js';
import { readOtlpEnv, type Warn } from '../common/otlp-env.js';
import type { OtlpHttpConfig } from './config.js';

export const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318';
export const TRACES_PATH = '/v1/traces';

export interface OtlpHttpSettings extends ConnectionSettings {
  /** Where traces are POSTed. */
  url: URL;
  encoding: 'proto' | 'json';
}

/**
 * Resolves the settings with the precedence: config, then `OTEL_EXPORTER_OTLP_TRACES_*`, then
 * `OTEL_EXPORTER_OTLP_*`, then defaults (headers merge in that order per key). A full traces URL
 * (`traces_endpoint`, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is used as is; a base URL (`endpoint`,
 * OTEL_EXPORTER_OTLP_ENDPOINT) gets /v1/traces appended to its path. Throws on a config URL that
 * does not parse; an env URL that does not parse is reported and ignored.
 */
export function resolveOtlpHttpSettings(
  config: OtlpHttpConfig,
  env: Env,
  warn: Warn = () => {},
): OtlpHttpSettings {
  const fromEnv = readOtlpEnv(env, warn);
  return {
    url: resolveTracesUrl(config, fromEnv.endpoint, warn),
    encoding: config.encoding ?? (fromEnv.protocol === 'http/json' ? 'json' : 'proto'),
    ...resolveConnectionSettings(config, fromEnv),
  };
}

function resolveTracesUrl(
  config: OtlpHttpConfig,
  envEndpoint: { url: string; tracesSpecific: boolean } | undefined,
  warn: Warn,
): URL {
  if (config.traces_endpoint) return new URL(config.traces_endpoint);
  if (config.endpoint) return withTracesPath(new URL(config.endpoint));
  if (envEndpoint) {
    try {
      const url = new URL(envEndpoint.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return envEndpoint.tracesSpecific ? url : withTracesPath(url);
    } catch {
      warn('ignoring the OTLP endpoint from the environment: not an http(s) URL', {
        endpoint: envEndpoint.url,
      });
    }
  }
  return withTracesPath(new URL(DEFAULT_HTTP_ENDPOINT));
}

/** base → base/v1/traces, keeping any path prefix; a URL that already ends so is left alone. */
export function withTracesPath(base: URL): URL {
  const url = new URL(base.href);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(TRACES_PATH)) url.pathname = path + TRACES_PATH;
  return url;
}
