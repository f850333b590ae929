import type { KubeObject } from '@kspan/core';
import { DEFAULT_STATUS_KINDS, objectWithStatus, ownerMetadata } from '@kspan/receiver-k8s-events';

// The receiver's own shrinking, applied to a full object, so that a workload of shape `status` is
// byte for byte what `k8s_events` emits (and `kspan capture` writes) with the default
// `owners.status_kinds`, not a hand-made imitation of it.

const WITH_STATUS: ReadonlySet<string> = new Set(DEFAULT_STATUS_KINDS);

/** A full object as the receiver emits it with the default `owners.status_kinds`. */
export function asReceiverEmits(full: KubeObject): KubeObject {
  return WITH_STATUS.has(full.kind ?? '') ? objectWithStatus(full) : ownerMetadata(full);
}
