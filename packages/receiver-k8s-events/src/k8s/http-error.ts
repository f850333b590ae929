import { errorMessage } from '@kspan/core';

/** An API server answer other than 200 (or an ERROR watch event), with the Status message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** From `Retry-After` (seconds or an HTTP date), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Why a list or watch request ended badly, and what to do about it. */
export interface FailureClass {
  /** Metric label: gone, throttled, server_error, unauthorized, forbidden, not_found, client_error, connection, stale, timeout, malformed. */
  cause: string;
  /** 410: the resourceVersion is gone, list again. */
  relist: boolean;
  /** 401/403: the credentials are refused (readiness says so; retry goes on). */
  denied: boolean;
  /** Wait at least this long (Retry-After). */
  minDelayMs: number;
  message: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Sorts a failure of a list or watch request into what the retry loop does next. */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof HttpError) {
    const s = err.status;
    const base = { relist: false, denied: false, minDelayMs: err.retryAfterMs ?? 0 };
    const message = `HTTP ${s}: ${err.message}`;
    if (s === 410) return { ...base, cause: 'gone', relist: true, message };
    if (s === 429) return { ...base, cause: 'throttled', message };
    if (s === 401) return { ...base, cause: 'unauthorized', denied: true, message };
    if (s === 403) return { ...base, cause: 'forbidden', denied: true, message };
    if (s === 404) return { ...base, cause: 'not_found', message };
    if (s >= 500) return { ...base, cause: 'server_error', message };
    return { ...base, cause: 'client_error', message };
  }
  const code = (err as { code?: unknown } | null)?.code;
  const base = { relist: false, denied: false, minDelayMs: 0 };
  if (typeof code === 'string' && CONNECTION_CODES.has(code))
    return { ...base, cause: 'connection', message: `${code}: ${errorMessage(err)}` };
  if (err instanceof StaleError) return { ...base, cause: 'stale', message: err.message };
  if (typeof code === 'string' && code.startsWith('ERR_TLS'))
    return { ...base, cause: 'connection', message: `${code}: ${errorMessage(err)}` };
  return { ...base, cause: 'connection', message: errorMessage(err) };
}

/** Nothing arrived on a request for `stale_after`: the connection is presumed dead. */
export class StaleError extends Error {
  constructor(ms: number) {
    super(`nothing received for ${ms} ms, presumed dead`);
    this.name = 'StaleError';
  }
}

/** The message of a Kubernetes Status body, or the body itself, shortened. */
export function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) return parsed.message;
    if (typeof parsed.reason === 'string' && parsed.reason) return parsed.reason;
  } catch {
    // not a Status
  }
  const t = body.trim();
  return t.length > 200 ? t.slice(0, 200) + '…' : t || 'no message';
}
