import type { SendOutcome } from '../operators/send-with-retry.js';
import { HttpSendError, type HttpReply } from './http-post.js';

/** The OTLP spec's retryable HTTP answers (also used for Zipkin, which has no rules of its own). */
export const RETRYABLE_HTTP_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Certificate problems: retrying the same connection cannot fix them. */
const PERMANENT_NETWORK_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_INVALID_URL',
]);

/** A non-2xx answer → retryable (with the server's Retry-After) or permanent failure. */
export function classifyHttpFailure(reply: HttpReply, error: Error, nowMs: number): SendOutcome {
  if (!RETRYABLE_HTTP_STATUS.has(reply.status)) return { code: 'failure', error };
  const retryAfterMs = parseRetryAfter(reply.headers['retry-after'], nowMs);
  return retryAfterMs === undefined
    ? { code: 'retryable', error }
    : { code: 'retryable', error, retryAfterMs };
}

/** No answer at all: connection refused/reset, DNS, timeout, shutdown: retryable, except bad certificates. */
export function classifyNetworkError(err: unknown): SendOutcome {
  const error = err instanceof Error ? err : new Error(String(err));
  const code = err instanceof HttpSendError ? err.code : '';
  return PERMANENT_NETWORK_CODES.has(code)
    ? { code: 'failure', error }
    : { code: 'retryable', error };
}

/**
 * A Retry-After header value in ms: delay-seconds or an HTTP date (relative to `nowMs`, the
 * component's clock). Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
