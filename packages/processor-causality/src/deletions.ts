import { objKey, type NormEvent } from './normalize.js';
import type { ObjRecord } from './obj-record.js';
import type { OwnerGraph } from './owner-graph.js';

// A pod deleted by a user (`kubectl delete pod`) or evicted (`kubectl drain`) is replaced by its
// controller, but no Event records the deletion: only the pod's `deletionTimestamp` (and then its
// DELETED) does. The engine models such a deletion as a cause of its own — the root of a trace, a
// span `Pod.Delete` — named on the pod's timeline (its `Killing` follows from it) and on its
// controller's (the replacement's `Created pod` follows from it). A deletion that a controller's
// own event names (`Deleted pod: x`, a scale-down) is that controller's work and is no cause.

/** Whether a deletion of this object is modelled: a pod whose controller is alive (no cascade). */
export function modelsDeletion(graph: OwnerGraph, rec: ObjRecord): boolean {
  if (rec.kind !== 'Pod' || !rec.ownerKind || rec.deletingSec <= 0) return false;
  const owner = graph.lookup(rec.ownerUid, ownerKey(rec));
  return owner !== undefined && !owner.deleted && owner.deletingSec === 0;
}

export const ownerKey = (rec: ObjRecord) => objKey(rec.ownerKind, rec.namespace, rec.ownerName);

/** The deletion as an event-like record: about the pod, at the second it was asked for. */
export function deletionEvent(rec: ObjRecord, obs: number): NormEvent {
  return {
    uid: `delete/${rec.uid || rec.key}`,
    name: '',
    namespace: rec.namespace,
    regarding: {
      kind: rec.kind,
      namespace: rec.namespace,
      name: rec.name,
      uid: rec.uid,
      apiVersion: '',
      fieldPath: '',
    },
    related: undefined,
    reason: 'Delete',
    message: '',
    type: 'Normal',
    action: 'Delete',
    component: '',
    instance: '',
    count: 1,
    t: rec.deletingSec * 1e6,
    coarse: true,
    obs,
    container: '',
  };
}
