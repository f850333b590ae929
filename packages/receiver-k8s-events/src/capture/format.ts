import type { ClusterIdentity, WatchEvent } from '@kspan/core';

/**
 * One line of the capture format, without the line break:
 * `{"type":…,"object":…,"observedAt":…,"cluster":{"name":…,"uid":…}}` in that key order,
 * `observedAt` and `cluster` left out when the event has none. This is exactly what
 * `kspan capture` writes and what `k8s_capture` reads back.
 */
export function formatCaptureLine(ev: WatchEvent): string {
  const line: { type: string; object: unknown; observedAt?: string; cluster?: ClusterIdentity } = {
    type: ev.type,
    object: ev.object,
  };
  if (ev.observedAt !== undefined) line.observedAt = ev.observedAt;
  if (ev.cluster !== undefined) line.cluster = ev.cluster;
  return JSON.stringify(line);
}

/** RFC 3339 in UTC with milliseconds (`2024-01-02T03:04:05.678Z`), for `observedAt`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
