import type { Metadata, ServiceError } from '@grpc/grpc-js';
import type { SendOutcome } from '@kspan/core';
import { decodeRpcStatus } from '../common/rpc-status.js';
import { GrpcStatus as Status } from './status-codes.js';

export { grpcStatusName } from './status-codes.js';

// The OTLP spec's retryable gRPC codes. RESOURCE_EXHAUSTED is retryable only when the server says
// when (RetryInfo): otherwise it means "too big, never going to fit".
const RETRYABLE = new Set<number>([
  Status.CANCELLED,
  Status.DEADLINE_EXCEEDED,
  Status.ABORTED,
  Status.OUT_OF_RANGE,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

// What servers say when a message passes their size limit: grpc-go "grpc: received message larger
// than max (N vs. M)" (Jaeger, the Collector), grpc-js "Received message larger than max (N vs M)"
// or "Received message that decompresses to a size larger than M". Core splits such a batch (a
// RESOURCE_EXHAUSTED about something else, such as a quota, is no matter of size).
const TOO_LARGE_DETAILS = /larger than|too (large|big)|exceeds? (the )?(max|limit|size)/i;

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

/** The wait a server asked for in a google.rpc.RetryInfo detail of the status trailer, if any. */
export function retryDelayOf(metadata: Metadata | undefined): number | undefined {
  const details = metadata?.get('grpc-status-details-bin')[0];
  if (!details || typeof details === 'string') return undefined;
  return decodeRpcStatus(details)?.retryDelayMs;
}

/** A failed call → retryable (with the server's wait) or permanent, per the OTLP spec. */
export function classifyGrpcError(err: Error): SendOutcome {
  if (!isServiceError(err)) return { code: 'failure', error: err };
  const retryAfterMs = retryDelayOf(err.metadata);
  if (
    RETRYABLE.has(err.code) ||
    (err.code === Status.RESOURCE_EXHAUSTED && retryAfterMs !== undefined)
  )
    return retryAfterMs === undefined
      ? { code: 'retryable', error: err }
      : { code: 'retryable', error: err, retryAfterMs };
  if (err.code === Status.RESOURCE_EXHAUSTED && TOO_LARGE_DETAILS.test(err.details))
    return { code: 'failure', error: err, tooLarge: true };
  return { code: 'failure', error: err };
}
