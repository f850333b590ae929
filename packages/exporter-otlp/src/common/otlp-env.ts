import type { Env } from '@kspan/core';

/** The only place that reads the process environment; everything else takes an `Env` parameter. */
export function processEnv(): Env {
  return process.env;
}

/**
 * The standard OTLP exporter variables for traces, as the OpenTelemetry spec defines them: a
 * `OTEL_EXPORTER_OTLP_TRACES_*` variable wins over its `OTEL_EXPORTER_OTLP_*` counterpart, and a
 * blank value counts as unset. Values that do not parse are reported through `warn` and ignored.
 */
export interface OtlpEnv {
  /** The endpoint and whether it came from the traces-specific variable (used as-is by OTLP/HTTP). */
  endpoint?: { url: string; tracesSpecific: boolean };
  /** Generic headers merged with the traces-specific ones (those win per key). */
  headers: Record<string, string>;
  timeoutMs?: number;
  compression?: 'gzip' | 'none';
  insecure?: boolean;
  certificate?: string;
  clientKey?: string;
  clientCertificate?: string;
  /** `grpc`, `http/protobuf` or `http/json`. */
  protocol?: string;
}

export type Warn = (message: string, fields?: Record<string, unknown>) => void;

const PREFIX = 'OTEL_EXPORTER_OTLP_';

export function readOtlpEnv(env: Env, warn: Warn = () => {}): OtlpEnv {
  const pick = (name: string): { name: string; value: string } | undefined => {
    for (const full of [`${PREFIX}TRACES_${name}`, `${PREFIX}${name}`]) {
      const value = env[full]?.trim();
      if (value) return { name: full, value };
    }
    return undefined;
  };
  const out: OtlpEnv = {
    headers: {
      ...parseHeaderList(env[`${PREFIX}HEADERS`], `${PREFIX}HEADERS`, warn),
      ...parseHeaderList(env[`${PREFIX}TRACES_HEADERS`], `${PREFIX}TRACES_HEADERS`, warn),
    },
  };

  const endpoint = pick('ENDPOINT');
  if (endpoint)
    out.endpoint = { url: endpoint.value, tracesSpecific: endpoint.name.includes('_TRACES_') };

  const timeout = pick('TIMEOUT');
  if (timeout) {
    const ms = Number(timeout.value);
    if (Number.isFinite(ms) && ms >= 0 && /^\d+(\.\d+)?$/.test(timeout.value)) out.timeoutMs = ms;
    else warn(`ignoring ${timeout.name}: not a number of milliseconds`, { value: timeout.value });
  }

  const compression = pick('COMPRESSION');
  if (compression) {
    const v = compression.value.toLowerCase();
    if (v === 'gzip' || v === 'none') out.compression = v;
    else warn(`ignoring ${compression.name}: use gzip or none`, { value: compression.value });
  }

  const insecure = pick('INSECURE');
  if (insecure) {
    const v = insecure.value.toLowerCase();
    if (v === 'true' || v === 'false') out.insecure = v === 'true';
    else warn(`ignoring ${insecure.name}: use true or false`, { value: insecure.value });
  }

  const certificate = pick('CERTIFICATE');
  if (certificate) out.certificate = certificate.value;
  const clientKey = pick('CLIENT_KEY');
  if (clientKey) out.clientKey = clientKey.value;
  const clientCertificate = pick('CLIENT_CERTIFICATE');
  if (clientCertificate) out.clientCertificate = clientCertificate.value;
  const protocol = pick('PROTOCOL');
  if (protocol) out.protocol = protocol.value.toLowerCase();
  return out;
}

/** `key1=value1,key2=value2` with URL-encoded values (the spec's format for `*_HEADERS`). */
export function parseHeaderList(
  text: string | undefined,
  name = 'headers',
  warn: Warn = () => {},
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text?.trim()) return out;
  for (const item of text.split(',')) {
    if (!item.trim()) continue;
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    if (!key) {
      warn(`ignoring a malformed entry in ${name}`, { entry: item });
      continue;
    }
    const raw = item.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out;
}
