import { BoundedMap, type KubeObject, type WatchEventType } from '@kspan/core';
import type { Fingerprint } from './object-with-status.js';

/**
 * The resourceVersion emitted for a uid; with names kept, also where the object lives; with
 * fingerprints, a digest of the form last emitted.
 */
type Known =
  string | { rv: string; name?: string; namespace?: string; fpHi?: number; fpLo?: number };

/**
 * What one list-watch has emitted, by uid, so that a relist or a repeated watch event emits
 * nothing twice: an object only when its resourceVersion changed, a deletion once. Bounded (LRU
 * beyond `capacity`, each eviction reported). With `keepNames`, it remembers name and namespace so
 * that an object that vanished while the watch was down can be reported as deleted.
 */
export class EmittedObjects {
  private readonly known: BoundedMap<string, Known>;
  private readonly deleted: BoundedMap<string, true>;

  constructor(
    capacity: number,
    private readonly keepNames: boolean,
    onEvict: () => void,
  ) {
    this.known = new BoundedMap(capacity, onEvict);
    this.deleted = new BoundedMap(Math.min(capacity, 10_000));
  }

  /** Objects tracked (≈ live objects). */
  get size(): number {
    return this.known.size;
  }

  /**
   * The type to emit an object with `uid` as, `duplicate` when it was emitted already, or
   * undefined when a listed object is refused by `acceptListed`. A listed object is ADDED when new,
   * MODIFIED when its resourceVersion moved on. With a `fingerprint` (a digest of what would be
   * emitted, without what changes on every write), a new resourceVersion whose fingerprint equals
   * the last one emitted is `unchanged`: remembered, not emitted.
   */
  admit(
    type: WatchEventType,
    object: KubeObject & { metadata: { uid: string } },
    listed: boolean,
    acceptListed?: (object: KubeObject) => boolean,
    fingerprint?: Fingerprint,
  ): WatchEventType | 'duplicate' | 'unchanged' | undefined {
    const meta = object.metadata;
    const uid = meta.uid;
    if (type === 'DELETED') {
      if (this.deleted.has(uid)) return 'duplicate';
      this.known.delete(uid);
      this.deleted.set(uid, true);
      return 'DELETED';
    }
    const rv = meta.resourceVersion ?? '';
    const prev = this.known.get(uid);
    const prevRv = typeof prev === 'object' ? prev.rv : prev;
    if (prev !== undefined && prevRv === rv) return 'duplicate';
    if (listed && prev === undefined && acceptListed && !acceptListed(object)) return undefined;
    const unchanged =
      fingerprint !== undefined &&
      typeof prev === 'object' &&
      prev.fpHi === fingerprint[0] &&
      prev.fpLo === fingerprint[1];
    this.known.set(
      uid,
      this.keepNames || fingerprint !== undefined
        ? {
            rv,
            ...(this.keepNames && meta.name !== undefined ? { name: meta.name } : {}),
            ...(this.keepNames && meta.namespace !== undefined
              ? { namespace: meta.namespace }
              : {}),
            ...(fingerprint !== undefined ? { fpHi: fingerprint[0], fpLo: fingerprint[1] } : {}),
          }
        : rv,
    );
    if (unchanged) return 'unchanged';
    return listed ? (prev === undefined ? 'ADDED' : 'MODIFIED') : type;
  }

  /**
   * After a complete list: forgets the objects it no longer has (deleted while the watch was
   * away) and, with names kept, returns their metadata for a synthetic DELETED each.
   */
  vanished(listedUids: ReadonlySet<string>): Array<NonNullable<KubeObject['metadata']>> {
    const gone: Array<NonNullable<KubeObject['metadata']>> = [];
    for (const [uid, k] of [...this.known.entries()]) {
      if (listedUids.has(uid)) continue;
      this.known.delete(uid);
      if (!this.keepNames || typeof k !== 'object') continue;
      this.deleted.set(uid, true);
      const metadata: NonNullable<KubeObject['metadata']> = { uid, resourceVersion: k.rv };
      if (k.name !== undefined) metadata.name = k.name;
      if (k.namespace !== undefined) metadata.namespace = k.namespace;
      gone.push(metadata);
    }
    return gone;
  }
}
