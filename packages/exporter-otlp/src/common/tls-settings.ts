import type { Static } from '@sinclair/typebox';
import type { TlsSchema } from './config-schemas.js';
import type { OtlpEnv } from './otlp-env.js';
import type { TlsFiles } from '@kspan/core';

export type { TlsFiles } from '@kspan/core';

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
