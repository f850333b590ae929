import { parseDuration, type TlsFiles } from '@kspan/core';
import type { Static } from '@sinclair/typebox';
import type { ConnectionConfig, TlsSchema } from './config-schemas.js';
import type { OtlpEnv } from './otlp-env.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * No compression unless asked for, as the OpenTelemetry SDK exporters and the OTLP exporter spec
 * have it (the Collector's otlp exporter gzips by default). kspan's peer is usually a Collector or
 * Jaeger in the same cluster, where gzip saves bandwidth that is not scarce at more CPU than the
 * encoding itself (measured: level-6 gzip of the protobuf bodies ~9 µs a span against ~7 µs to
 * encode it; ~15 % of the service's CPU on a replayed capture). README, "Compression".
 */
const DEFAULT_COMPRESSION = 'none';

/** The settings both OTLP transports resolve alike, from `ConnectionProperties`. */
export interface ConnectionSettings {
  tls: TlsFiles;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
}

/** Config, then the environment, then the default, per setting; headers merge per key. */
export function resolveConnectionSettings(
  config: ConnectionConfig,
  fromEnv: OtlpEnv,
): ConnectionSettings {
  return {
    tls: resolveTlsFiles(config.tls, fromEnv),
    headers: mergeHeaders(fromEnv.headers, config.headers),
    timeoutMs:
      config.timeout !== undefined
        ? parseDuration(config.timeout)
        : (fromEnv.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    compression: config.compression ?? fromEnv.compression ?? DEFAULT_COMPRESSION,
  };
}

export function resolveTlsFiles(tls: Static<typeof TlsSchema> | undefined, env: OtlpEnv): TlsFiles {
  const out: TlsFiles = { skipVerify: tls?.insecure_skip_verify ?? false };
  const ca = tls?.ca_file ?? env.certificate;
  const cert = tls?.cert_file ?? env.clientCertificate;
  const key = tls?.key_file ?? env.clientKey;
  if (ca) out.caFile = ca;
  if (cert) out.certFile = cert;
  if (key) out.keyFile = key;
  return out;
}

/** Header names are case-insensitive (and gRPC metadata keys lowercase): later maps win per key. */
export function mergeHeaders(
  ...maps: Array<Record<string, string> | undefined>
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of maps) for (const [k, v] of Object.entries(m ?? {})) out[k.toLowerCase()] = v;
  return out;
}
