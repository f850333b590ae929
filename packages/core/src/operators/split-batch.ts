import type { ExportResult } from '../items.js';

/** The reason a batch failed when the backend refused it as too large (gRPC message limit, HTTP 413). */
export const TOO_LARGE = 'too_large';

/**
 * A batch the backend refused as too large is sent again in halves, each half with its own retries
 * and split again if still too large, down to single spans: only a span that is too large on its
 * own is lost (and counted as `too_large`). Returns one result per part that went out; the
 * refused attempt is counted in the first part's attempts.
 */
export async function sendSplitting<T>(
  batch: T[],
  send: (part: T[]) => Promise<ExportResult>,
): Promise<ExportResult[]> {
  const result = await send(batch);
  if (result.reason !== TOO_LARGE || batch.length < 2) return [result];
  const half = Math.ceil(batch.length / 2);
  // One half after the other: a backend near its limit gets no more load than before.
  const parts = [
    ...(await sendSplitting(batch.slice(0, half), send)),
    ...(await sendSplitting(batch.slice(half), send)),
  ];
  const head = parts[0] as ExportResult;
  parts[0] = { ...head, attempts: head.attempts + result.attempts };
  return parts;
}
