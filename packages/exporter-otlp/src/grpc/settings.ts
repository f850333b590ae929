import type { Env } from '@kspan/core';
import {
  resolveConnectionSettings,
  type ConnectionSettings,
} from '../common/connection-settings.js';
import { readOtlpEnv, type Warn } from '../common/otlp-env.js';
import type { OtlpGrpcConfig } from './config.js';

export const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';

/** Everything the gRPC transport needs, after config, environment and defaults are combined. */
export interface OtlpGrpcSettings extends ConnectionSettings {
  /** The endpoint as given (for logs). */
  endpoint: string;
  /** What grpc-js dials: host:port, or a target such as unix:///path or dns:///host:port. */
  target: string;
  /** TLS or plain text. */
  secure: boolean;
}

/**
 * Resolves the settings with the precedence: config, then `OTEL_EXPORTER_OTLP_TRACES_*`, then
 * `OTEL_EXPORTER_OTLP_*`, then the defaults. Headers merge in that order per key. An http:// or
 * https:// endpoint decides plain text or TLS by itself (as the spec says); for any other form
 * `tls.insecure` (or OTEL_EXPORTER_OTLP_INSECURE) does, defaulting to TLS.
 */
export function resolveOtlpGrpcSettings(
  config: OtlpGrpcConfig,
  env: Env,
  warn: Warn = () => {},
): OtlpGrpcSettings {
  const fromEnv = readOtlpEnv(env, warn);
  const endpoint = config.endpoint ?? fromEnv.endpoint?.url ?? DEFAULT_GRPC_ENDPOINT;
  const { target, scheme } = parseGrpcEndpoint(endpoint, warn);
  const secure =
    scheme === 'http'
      ? false
      : scheme === 'https'
        ? true
        : !(config.tls?.insecure ?? fromEnv.insecure ?? false);
  return {
    endpoint,
    target,
    secure,
    ...resolveConnectionSettings(config, fromEnv),
  };
}

/** `http(s)://host[:port][/]` → host:port with the scheme's port; anything else goes to grpc-js as is. */
export function parseGrpcEndpoint(
  endpoint: string,
  warn: Warn = () => {},
): { target: string; scheme?: 'http' | 'https' } {
  const m = /^(https?):\/\//i.exec(endpoint);
  if (!m) return { target: endpoint };
  const scheme = (m[1] as string).toLowerCase() as 'http' | 'https';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    warn('the endpoint is not a valid URL; dialling it as given', { endpoint });
    return { target: endpoint.slice(m[0].length), scheme };
  }
  if (url.pathname !== '/' && url.pathname !== '')
    warn('gRPC ignores the path of the endpoint URL', { endpoint });
  const port = url.port || (scheme === 'https' ? '443' : '80');
  return { target: `${url.hostname}:${port}`, scheme };
}
