import { classifyHttpFailure, type HttpReply, type SendOutcome } from '@kspan/core';

// Zipkin has no retry protocol of its own; the OTLP/HTTP rules (core's) are the sensible ones:
// 429, 502, 503, 504 and lost connections are transient, 413 is split, everything else is not.

/** A Zipkin answer (202 Accepted normally) → success, retryable (with Retry-After) or failure. */
export function classifyZipkinReply(reply: HttpReply, nowMs: number): SendOutcome {
  if (reply.status >= 200 && reply.status < 300) return { code: 'success' };
  const text = reply.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
  const error = new Error(`HTTP ${reply.status}${text ? `: ${text}` : ''}`);
  // 413 Payload Too Large: core sends the batch again in halves.
  if (reply.status === 413) return { code: 'failure', error, tooLarge: true };
  return classifyHttpFailure(reply, error, nowMs);
}
