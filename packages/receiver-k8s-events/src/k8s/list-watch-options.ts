import type { Clock, KubeObject } from '@kspan/core';
import type { Fingerprint } from './object-with-status.js';
import type { ResourceRef } from './resource.js';
import type { Transport } from './transport.js';

/** What happens inside a `listWatch`, for metrics, logs and readiness. All optional. */
export interface ListWatchObserver {
  /** Live = listed and a watch is streaming; not live = listing, backing off, or refused. */
  live?(live: boolean, reason: string): void;
  /** A watch (or list) ended and is started again; `delayMs` is the wait before it. */
  restart?(cause: string, message: string, delayMs: number): void;
  /** A (re)list begins: `initial`, or `gone` (410: the resourceVersion was compacted away). */
  relist?(cause: string): void;
  /** A watch line that is not a watch event (counted, skipped). */
  malformed?(reason: string, line: string): void;
  /** An item already emitted with the same uid and resourceVersion, suppressed. */
  duplicate?(): void;
  /** An item whose fingerprint equals the last one emitted for its uid, suppressed. */
  unchanged?(): void;
  /** The dedupe table was full and forgot its oldest entry. */
  evicted?(): void;
}

export interface ListWatchOptions {
  transport: Transport;
  resource: ResourceRef;
  /** Only this namespace (namespaced resources); all namespaces when absent. */
  namespace?: string;
  clock: Clock;
  /** Ask for PartialObjectMetadata (metadata only). */
  metadataOnly?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  // The defaults of these live once, in the receiver's config schema.
  /** Items per list page (`limit`). */
  pageSize: number;
  /** Server-side end of each watch request (`timeoutSeconds`), ms. */
  watchTimeoutMs: number;
  /** A request on which nothing arrives for this long is presumed dead and reconnected, ms. */
  staleAfterMs: number;
  backoff: { initialMs: number; maxMs: number; random?: () => number };
  /** Most uid → resourceVersion entries remembered for dedupe (LRU beyond). */
  dedupeCapacity: number;
  /**
   * Remember name and namespace of live objects so that an object deleted while the watch was
   * down gets a synthetic DELETED after a relist (owner graphs want it; events do not).
   */
  syntheticDeletes?: boolean;
  /** Applied to each object before dedupe and emission (normalise, strip); `undefined` drops it. */
  transform?: (object: KubeObject) => KubeObject | undefined;
  /**
   * A digest of the transformed object without what changes on every write (resourceVersion,
   * managedFields): an ADDED/MODIFIED whose digest equals the last one emitted for its uid is not
   * emitted (`observer.unchanged`). Absent: only the same resourceVersion is suppressed.
   */
  fingerprint?: (object: KubeObject) => Fingerprint;
  /** A listed object not emitted before passes only if this says so (e.g. not older than max_age). */
  acceptListed?: (object: KubeObject) => boolean;
  observer?: ListWatchObserver;
  /** Aborting completes the stream (graceful stop), as unsubscribing does. */
  signal?: AbortSignal;
}
