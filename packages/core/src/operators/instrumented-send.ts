// The per-attempt telemetry every exporter shares, so that their metrics and logs read alike.
import type { ComponentContext } from '../component.js';
import { errorMessage } from '../errors.js';
import type { SendOutcome } from './send-with-retry.js';

/** One try at sending one batch: what it came to, and the transport's own word for it. */
export interface Attempt {
  outcome: SendOutcome;
  /** gRPC status name, HTTP status code, or the network error code: a metric label. */
  status: string;
  /** Bytes of the encoded request before compression. */
  bytes: number;
}

/**
 * Turns a transport's `attempt` into the `send` that core's sending queue wants, counting every
 * attempt (retries included) and logging failures at most once per interval.
 */
export function instrumentedSend<T>(
  ctx: ComponentContext,
  attempt: (batch: T[], signal?: AbortSignal) => Promise<Attempt>,
): (batch: T[], signal?: AbortSignal) => Promise<SendOutcome> {
  const requests = ctx.metrics.counter(
    'exporter_requests_total',
    'Export requests (each retry counts) by outcome and transport status',
    ['outcome', 'status'],
  );
  const seconds = ctx.metrics.histogram(
    'exporter_request_duration_seconds',
    'Time one export request took',
    ['outcome'],
  );
  const bytes = ctx.metrics.counter(
    'exporter_request_bytes_total',
    'Encoded request bytes sent, before compression',
  );
  const retryLog = ctx.logger.rateLimited(`${ctx.id}:export-retry`);
  const failLog = ctx.logger.rateLimited(`${ctx.id}:export-error`);
  const partialLog = ctx.logger.rateLimited(`${ctx.id}:export-partial`);

  return async (batch, signal) => {
    const started = ctx.clock.now();
    let result: Attempt;
    try {
      result = await attempt(batch, signal);
    } catch (err) {
      // A span the encoder cannot take, or a bug: this batch fails, the stream goes on.
      const error = err instanceof Error ? err : new Error(String(err));
      result = { outcome: { code: 'failure', error }, status: 'error', bytes: 0 };
    }
    const { outcome, status, bytes: size } = result;
    const label =
      outcome.code === 'success' && (outcome.rejected ?? 0) > 0 ? 'partial' : outcome.code;
    requests.inc({ outcome: label, status });
    seconds.observe({ outcome: label }, Math.max(0, ctx.clock.now() - started) / 1000);
    if (size > 0) bytes.inc({}, size);
    if (outcome.code === 'retryable') {
      retryLog.warn('export attempt failed; retrying', {
        status,
        spans: batch.length,
        error: errorMessage(outcome.error),
      });
    } else if (outcome.code === 'failure') {
      failLog.error('export failed; not retryable', {
        status,
        spans: batch.length,
        error: errorMessage(outcome.error),
      });
    } else if (outcome.error) {
      partialLog.warn('backend accepted the request with a warning or partial rejection', {
        rejected: outcome.rejected ?? 0,
        spans: batch.length,
        error: errorMessage(outcome.error),
      });
    }
    return outcome;
  };
}
