import { parseDuration, type Env, type TlsFiles } from '@kspan/core';
import type { ZipkinExporterConfig } from './config.js';

export const DEFAULT_ZIPKIN_ENDPOINT = 'http://localhost:9411/api/v2/spans';
const DEFAULT_TIMEOUT_MS = 10_000;

export type ZipkinTlsFiles = TlsFiles;

export interface ZipkinSettings {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  tls: ZipkinTlsFiles;
}

type Warn = (message: string, fields?: Record<string, unknown>) => void;

/** The only place that reads the process environment; everything else takes an `Env`. */
export function processEnv(): Env {
  return process.env;
}

/**
 * Config, then OTEL_EXPORTER_ZIPKIN_ENDPOINT / OTEL_EXPORTER_ZIPKIN_TIMEOUT (ms), then defaults.
 * A variable that does not parse is reported through `warn` and ignored; a config URL that does not
 * parse throws.
 */
export function resolveZipkinSettings(
  config: ZipkinExporterConfig,
  env: Env,
  warn: Warn = () => {},
): ZipkinSettings {
  let url: URL | undefined;
  if (config.endpoint) url = new URL(config.endpoint);
  else {
    const fromEnv = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim();
    if (fromEnv) {
      try {
        url = new URL(fromEnv);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      } catch {
        url = undefined;
        warn('ignoring OTEL_EXPORTER_ZIPKIN_ENDPOINT: not an http(s) URL', { value: fromEnv });
      }
    }
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (config.timeout !== undefined) timeoutMs = parseDuration(config.timeout);
  else {
    const raw = env.OTEL_EXPORTER_ZIPKIN_TIMEOUT?.trim();
    if (raw) {
      if (/^\d+(\.\d+)?$/.test(raw)) timeoutMs = Number(raw);
      else
        warn('ignoring OTEL_EXPORTER_ZIPKIN_TIMEOUT: not a number of milliseconds', { value: raw });
    }
  }

  const tls: ZipkinTlsFiles = { skipVerify: config.tls?.insecure_skip_verify ?? false };
  if (config.tls?.ca_file) tls.caFile = config.tls.ca_file;
  if (config.tls?.cert_file) tls.certFile = config.tls.cert_file;
  if (config.tls?.key_file) tls.keyFile = config.tls.key_file;

  return {
    url: url ?? new URL(DEFAULT_ZIPKIN_ENDPOINT),
    headers: Object.fromEntries(
      Object.entries(config.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    ),
    timeoutMs,
    tls,
  };
}
