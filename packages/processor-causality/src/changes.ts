import type { ClusterIdentity } from '@kspan/core';
import { changeTraceId, rootSpanId, type RemoteParent } from './ids.js';
import type { SpanRec } from './span-rec.js';

/** The object at the top of a change: what a synthesised root span describes. */
export interface TopInfo {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  manager: string;
  operation: string;
  /** When its spec was last written (µs), NaN when unknown. */
  specTime: number;
}

/**
 * One change, one trace: a generation of a top object (or one run of a CronJob). Holds what the root
 * span needs until it is emitted: either a top-level event that claimed the root, or the top object's
 * spec writer to synthesise it from; and the extent of everything attached, so the root starts no
 * later than its first descendant and ends with its last.
 */
export class Change {
  readonly traceId: string;
  readonly rootSpanId: string;
  rootSpan: SpanRec | undefined = undefined;
  rootEmitted = false;
  rootStartUs = NaN;
  minStart = Infinity;
  maxEnd = -Infinity;
  firstAttach = NaN;
  lastAttach = NaN;
  /** Recency queue stamp (creation order, for the cap). */
  stamp = 0;

  constructor(
    /** Active-change map key: `<uid>/<generation>` or `<owner uid>/run/<kind>/<name>`. */
    readonly slot: string,
    /** The trace's identity: the slot, plus `@<seconds>` for a later burst of the same generation. */
    readonly key: string,
    readonly top: TopInfo,
    readonly remote: RemoteParent | undefined,
    /** The cluster of the event that opened it: its uid is part of the trace id. */
    readonly cluster: ClusterIdentity | undefined,
  ) {
    this.traceId = remote?.traceId ?? changeTraceId(key, cluster?.uid);
    this.rootSpanId = rootSpanId(key);
  }

  attach(now: number, start: number, end: number): void {
    if (Number.isNaN(this.firstAttach)) this.firstAttach = now;
    this.lastAttach = now;
    if (start < this.minStart) this.minStart = start;
    if (end > this.maxEnd) this.maxEnd = end;
  }
}
