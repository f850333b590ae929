import type { ObjRecord } from './obj-record.js';
import { TopStatus, type Outcome } from './object-status.js';

/** How and when a change ended, as its top object's status says (issue 11). */
export interface ChangeEnd {
  outcome: Outcome;
  /** µs; NaN: the status gives no time (StatefulSet, DaemonSet): the end of its last descendant. */
  endUs: number;
  /** Why it failed (`ProgressDeadlineExceeded`, a Job's `BackoffLimitExceeded`…), else ''. */
  reason: string;
  message: string;
  /** Replica counts the status reported ( -1: not reported). */
  desired: number;
  ready: number;
  /** The generation that superseded this one (0: none). */
  nextGeneration: number;
}

/**
 * Whether generation `g` of `top` has ended, by its status: 'untracked' when the object carries no
 * status (the root keeps today's extent), 'pending' while the change is still under way.
 *
 * - done: the status reports generation `g` observed and complete (Deployment `Progressing` with
 *   `NewReplicaSetAvailable` and every replica updated and available → its `lastUpdateTime`;
 *   StatefulSet `currentRevision == updateRevision`, all ready; DaemonSet all updated and
 *   available; Job `Complete` → `completionTime`);
 * - failed: Deployment `ProgressDeadlineExceeded`, Job `Failed` (with their reasons);
 * - superseded: a newer generation was written before `g` was done: it ends at that spec write.
 */
export function changeEnd(
  top: ObjRecord | undefined,
  g: number,
): ChangeEnd | 'untracked' | 'pending' {
  const st = top?.status;
  if (!top || !(st instanceof TopStatus)) return 'untracked';
  // A Job has one spec: its status is about it, whatever generation the run was opened with.
  if (top.kind === 'Job') g = 1;
  const base = { desired: st.desired, ready: st.ready, reason: '', message: '', nextGeneration: 0 };
  const end = st.endOf(g);
  if (end?.failed)
    return {
      ...base,
      outcome: 'failed',
      endUs: end.sec ? end.sec * 1e6 : NaN,
      reason: end.reason,
      message: end.message,
    };
  if (end) return { ...base, outcome: 'complete', endUs: end.sec ? end.sec * 1e6 : NaN };
  if (top.generation > g || st.newest > g) {
    // Ended where the next change began (the write of generation g+1), when that is known.
    return { ...base, outcome: 'superseded', endUs: top.specTimeOf(g + 1), nextGeneration: g + 1 };
  }
  return 'pending';
}

/** The end of a change that did not end within `max_root_delay`. */
export function unfinished(top: ObjRecord | undefined): ChangeEnd {
  const st = top?.status instanceof TopStatus ? top.status : undefined;
  return {
    outcome: 'unfinished',
    endUs: NaN,
    reason: '',
    message: '',
    desired: st?.desired ?? -1,
    ready: st?.ready ?? -1,
    nextGeneration: 0,
  };
}
