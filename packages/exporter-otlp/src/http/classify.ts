import { classifyHttpFailure, type HttpReply, type SendOutcome } from '@kspan/core';
import { acceptedOutcome } from '../common/partial-success.js';
import { decodeRpcStatus } from '../common/rpc-status.js';

/** An OTLP/HTTP answer → success (with partial success), retryable (with Retry-After) or failure. */
export function classifyOtlpHttpReply(
  reply: HttpReply,
  encoding: 'proto' | 'json',
  batchSize: number,
  nowMs: number,
): SendOutcome {
  if (reply.status >= 200 && reply.status < 300)
    return acceptedOutcome(reply.body, encoding, batchSize);
  const error = new Error(`HTTP ${reply.status}${describeBody(reply)}`);
  // 413 Payload Too Large: core sends the batch again in halves.
  if (reply.status === 413) return { code: 'failure', error, tooLarge: true };
  return classifyHttpFailure(reply, error, nowMs);
}

/** The server's reason: the google.rpc.Status message the spec asks for, or the start of the text. */
function describeBody(reply: HttpReply): string {
  if (reply.body.length === 0) return '';
  const type = String(reply.headers['content-type'] ?? '');
  let message: string | undefined;
  if (type.includes('protobuf')) message = decodeRpcStatus(reply.body)?.message;
  else if (type.includes('json')) {
    try {
      const parsed = JSON.parse(reply.body.toString('utf8')) as { message?: unknown };
      if (typeof parsed?.message === 'string') message = parsed.message;
    } catch {
      // not JSON after all: fall through to the text
    }
  }
  message ??= reply.body.toString('utf8');
  message = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  return message ? `: ${message}` : '';
}
