// Over 400 lines: applying an object item (owner, generations, writers, deletion, status) and the
// owner chain with its naming fallbacks share the two indexes; split, each half would reach into them.
import type { KubeObject, WatchEventType } from '@kspan/core';
import type { Interner } from './intern.js';
import { parseTraceparent } from './ids.js';
import { ObjRecord, subSecondSince, type Ancestor, type SpecWriter } from './obj-record.js';
import { CLUSTER_SCOPED, objKey } from './normalize.js';
import { evictOverCap } from './capped.js';
import { Recency, rfc3339Us } from '@kspan/core';
import { parseTime } from './time.js';
import { readStatus } from './object-status.js';

// Kubernetes' generated-name alphabet (k8s.io/apimachinery/pkg/util/rand): pod suffixes and
// pod-template-hashes use only these characters, which makes the name heuristics safe.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const POD_SUFFIX = new RegExp(`^(.+)-${SAFE}{5}$`);
const RS_HASH = new RegExp(`^(.+)-${SAFE}{6,10}$`);
const ORDINAL = /^(.+)-(\d+)$/;
const GENERATED_POD_OWNERS = ['ReplicaSet', 'DaemonSet', 'Job', 'ReplicationController'] as const;
const MAX_DEPTH = 8;

export interface GraphOptions {
  maxObjects: number;
  tombstoneTtlUs: number;
  traceparentAnnotation: string;
}

export interface GraphCounters {
  evicted: number;
  expired: number;
  ignoredTraceparent: number;
}

/** The owner graph, built from the watched objects alone (no GET per event). */
export class OwnerGraph {
  private readonly byUid = new Map<string, ObjRecord>();
  private readonly byKey = new Map<string, ObjRecord>();
  /** Least recently updated first, for the cap. */
  private readonly updated = new Recency<'lru', ObjRecord>('lru');
  /** Deleted objects, oldest deletion first, kept `tombstoneTtl` so late events still resolve. */
  private readonly tombstones = new Recency<'tomb', ObjRecord>('tomb');
  readonly counters: GraphCounters = { evicted: 0, expired: 0, ignoredTraceparent: 0 };

  constructor(
    private readonly opts: GraphOptions,
    private readonly interner: Interner,
  ) {}

  get size(): number {
    return this.updated.size;
  }

  /** Applies one watch event of a non-Event object. Returns false when the object is unusable. */
  apply(type: WatchEventType, o: KubeObject, now: number, obsUs: number | undefined): boolean {
    const meta = o.metadata;
    const kind = typeof o.kind === 'string' ? o.kind : '';
    const name = typeof meta?.name === 'string' ? meta.name : '';
    if (!meta || !kind || !name || kind === 'PartialObjectMetadata') return false;
    const ns = CLUSTER_SCOPED.has(kind)
      ? ''
      : typeof meta.namespace === 'string'
        ? meta.namespace
        : '';
    const uid = typeof meta.uid === 'string' ? meta.uid : '';
    const known = uid ? this.byUid.get(uid) : undefined;
    const key = known && isNamed(known, kind, ns, name) ? known.key : objKey(kind, ns, name);

    let rec = known ?? this.byKey.get(key);
    // A new object under an old name (a StatefulSet's pod): the old one stays findable by uid.
    let predecessor: ObjRecord | undefined;
    if (rec && uid && rec.uid && rec.uid !== uid) {
      predecessor = rec;
      rec = undefined;
    }
    const isNew = !rec;
    if (!rec) {
      // The name as the end of the key (held anyway): from 13 characters on, V8 makes it a view of
      // the key (32 B) instead of a second copy of the characters (~48 B for a pod's name).
      const own = key.slice(key.length - name.length);
      rec = new ObjRecord(uid, this.interner.intern(kind), this.interner.intern(ns), own, key);
      this.byKey.set(key, rec);
      if (uid) this.byUid.set(uid, rec);
    } else if (!rec.uid && uid) {
      rec.uid = uid;
      this.byUid.set(uid, rec);
    }
    this.updated.touch(rec);

    this.readOwner(rec, meta.ownerReferences);
    const gen = typeof meta.generation === 'number' ? meta.generation : 0;
    const seenSec = Math.floor((obsUs ?? now) / 1e6);
    const genChanged = !isNew && gen !== rec.generation && Number.isFinite(seenSec);
    // The writer of the generation that ends here, before the new one's writer replaces it.
    const ending =
      !isNew && gen !== rec.generation && rec.specManager
        ? rec.writerOf(rec.generation)
        : undefined;
    const runnerUp = this.readSpecWriter(rec, meta.managedFields, genChanged ? seenSec : undefined);
    const runnerUpSec = this.runnerUpSec;
    if (isNew) {
      rec.generation = gen;
      const created = parseTime(meta.creationTimestamp);
      if (created) rec.createdSec = Math.floor(created.us / 1e6);
      if (predecessor) {
        predecessor.successorSec = rec.createdSec || (Number.isFinite(seenSec) ? seenSec : 0);
        rec.succeeds = true;
      }
      // First seen after its spec changed (a restart, a relist): the newest spec write started this
      // generation; older events are the previous change's, as for a process that saw it happen.
      if (gen > 1 && rec.specSec > 0) {
        rec.genSince = rec.specSec;
        rec.endGeneration(runnerUp && this.writer(runnerUp, runnerUpSec));
      }
    } else if (gen !== rec.generation) {
      // The change took effect when its spec was written; failing that, when we saw it.
      const since = rec.specSec || Math.floor((obsUs ?? now) / 1e6);
      const sec = Number.isFinite(since) ? since : 0;
      rec.endGeneration(ending, gen, sec, subSecondSince(sec, rec.seenUs, obsUs ?? now));
    }
    const seen = obsUs ?? now;
    if (Number.isFinite(seen)) rec.seenUs = seen;
    this.readTraceparent(rec, meta.annotations, meta.managedFields);

    this.readDeletion(rec, type, meta.deletionTimestamp, meta.deletionGracePeriodSeconds, seenSec);
    rec.status = readStatus(rec.status, type, o);
    if (type === 'DELETED') {
      rec.deletedSec = now === -Infinity ? -1 : Math.max(1, Math.floor(now / 1e6));
      this.tombstones.touch(rec);
    } else if (rec.deleted) {
      rec.deletedSec = 0;
      this.tombstones.forget(rec);
    }
    this.counters.evicted += evictOverCap(
      this.count,
      this.opts.maxObjects,
      this.leastRecent,
      this.remove,
    );
    if (rec.status) this.onStatus?.(rec);
    return true;
  }

  private readonly count = () => this.updated.size;
  private readonly leastRecent = () => this.updated.oldest();
  private readonly remove = (rec: ObjRecord) => {
    if (this.byKey.get(rec.key) === rec) this.byKey.delete(rec.key);
    if (rec.uid && this.byUid.get(rec.uid) === rec) this.byUid.delete(rec.uid);
    this.updated.forget(rec);
    this.tombstones.forget(rec);
  };

  /** Notes when the object's deletion was asked for (the first time it shows), and says so. */
  private readDeletion(
    rec: ObjRecord,
    type: WatchEventType,
    deletionTimestamp: unknown,
    grace: unknown,
    seenSec: number,
  ): void {
    if (rec.deletingSec) return;
    const at = parseTime(deletionTimestamp);
    // Asked for no later than it was seen (the grace period is not always in the metadata).
    if (at) {
      const asked = Math.floor(at.us / 1e6) - (typeof grace === 'number' ? grace : 0);
      rec.deletingSec = Number.isFinite(seenSec) ? Math.min(asked, seenSec) : asked;
    } else if (type === 'DELETED' && Number.isFinite(seenSec)) rec.deletingSec = seenSec;
    else return;
    this.onDeleting?.(rec);
  }

  /** Told when an object's deletion is first seen (the engine models deletions by users). */
  onDeleting: ((rec: ObjRecord) => void) | undefined;

  /** Told after an object item of an object with a status was applied (what waits on it may go). */
  onStatus: ((rec: ObjRecord) => void) | undefined;

  private readOwner(rec: ObjRecord, refs: unknown): void {
    const ref = Array.isArray(refs) ? controllerRef(refs) : undefined;
    if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') {
      rec.ownerUid = rec.ownerKind = rec.ownerName = '';
      return;
    }
    // The same owner as before (nearly every item): its kind is interned already.
    if (rec.ownerKind !== ref.kind) rec.ownerKind = this.interner.intern(ref.kind);
    rec.ownerName = ref.name;
    const uid = typeof ref.uid === 'string' ? ref.uid : '';
    // Share the owner's strings: a ReplicaSet's 1000 pods hold one copy of its name and uid.
    const owner = this.byUid.get(uid);
    rec.ownerUid = owner?.uid ?? uid;
    if (owner && owner.name === rec.ownerName) rec.ownerName = owner.name;
  }

  /** Second of the runner-up `readSpecWriter` returned (scratch: no object per item). */
  private runnerUpSec = 0;

  /**
   * The newest writer of `spec`. The API server leaves `time` out of entries written through a
   * subresource (`kubectl scale` → manager `kubectl`, subresource `scale`), so when the generation
   * changes on this update (`changedAtSec`) and every timed spec writer is older than that, the
   * untimed one is the author, written when the change was seen. Returns the runner-up's entry
   * (its second in `runnerUpSec`), made a `SpecWriter` only where it is used: an item that changes
   * nothing allocates nothing here.
   */
  private readSpecWriter(
    rec: ObjRecord,
    fields: unknown,
    changedAtSec?: number,
  ): Record<string, unknown> | undefined {
    if (!Array.isArray(fields)) return undefined;
    let best: Record<string, unknown> | undefined;
    let bestUs = -Infinity;
    let second: Record<string, unknown> | undefined;
    let secondUs = -Infinity;
    let untimed: Record<string, unknown> | undefined;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Record<string, unknown> | undefined;
      const v1 = f?.fieldsV1 as Record<string, unknown> | undefined;
      if (!f || !v1 || !('f:spec' in v1)) continue;
      const us = rfc3339Us(f.time);
      if (Number.isNaN(us)) untimed ??= f;
      else if (displaces(rec, f, us, best, bestUs, changedAtSec)) {
        second = best;
        secondUs = bestUs;
        best = f;
        bestUs = us;
      } else if (us >= secondUs) {
        second = f;
        secondUs = us;
      }
    }
    // Only ever forward: later updates of the same generation still list the older timed writer,
    // which must not displace an untimed one that wrote a newer generation in the same second.
    const bestSec = Math.floor(bestUs / 1e6);
    // The newest timed writer wrote an earlier generation in its second: not this one's author.
    const known = best !== undefined && rec.wroteAt(best.manager, bestSec);
    const forward =
      bestSec > rec.specSec || (bestSec === rec.specSec && changedAtSec !== undefined);
    if (best && (forward || !rec.specManager)) this.setSpecWriter(rec, best, bestSec);
    // A timed writer within a second of the change is taken to be its author, unless it is the
    // one already known (it wrote an earlier generation; this one came through a subresource).
    if (untimed && changedAtSec !== undefined && (bestUs < (changedAtSec - 1) * 1e6 || known))
      this.setSpecWriter(rec, untimed, changedAtSec);
    // The writer before the newest (by time): who wrote the previous generation, on a first look.
    if (!second || secondUs >= bestUs) return undefined;
    this.runnerUpSec = Math.floor(secondUs / 1e6);
    return second;
  }

  private writer(f: Record<string, unknown>, sec: number): SpecWriter {
    return { manager: this.managerOf(f), operation: this.operationOf(f), sec };
  }

  /** Sets the newest spec writer in place (per item: no `SpecWriter` object made). */
  private setSpecWriter(rec: ObjRecord, f: Record<string, unknown>, sec: number): void {
    rec.specManager = this.managerOf(f);
    rec.specOperation = this.operationOf(f);
    rec.specSec = sec;
  }

  // A managedFields entry's manager and operation, interned ('unknown' / 'Update' when absent).
  private managerOf(f: Record<string, unknown>): string {
    return this.interner.intern(typeof f.manager === 'string' ? f.manager : 'unknown');
  }

  private operationOf(f: Record<string, unknown>): string {
    return this.interner.intern(typeof f.operation === 'string' ? f.operation : 'Update');
  }

  private readTraceparent(rec: ObjRecord, annotations: unknown, fields: unknown): void {
    const value =
      annotations && typeof annotations === 'object'
        ? (annotations as Record<string, unknown>)[this.opts.traceparentAnnotation]
        : undefined;
    if (typeof value !== 'string') {
      rec.traceparent = undefined;
      return;
    }
    const tp = parseTraceparent(value);
    if (!tp) {
      this.counters.ignoredTraceparent++;
      rec.traceparent = undefined;
      return;
    }
    // An annotation written before the newest spec change belongs to an older change: ignore it,
    // so a later `kubectl apply` without a new traceparent does not join the old CI trace.
    const written = annotationTime(fields, this.opts.traceparentAnnotation);
    if (written !== undefined && !Number.isNaN(rec.specTime) && written < rec.specTime) {
      this.counters.ignoredTraceparent++;
      rec.traceparent = undefined;
      return;
    }
    rec.traceparent = tp;
  }

  /** Drops tombstones older than the TTL, oldest deletion first. */
  sweep(now: number): void {
    if (now === -Infinity) return;
    for (let rec = this.tombstones.oldest(); rec; rec = this.tombstones.oldest()) {
      // Deleted before any item carried a time (a capture's initial state): its clock starts now.
      if (rec.deletedSec === -1) {
        rec.deletedSec = Math.max(1, Math.floor(now / 1e6));
        this.tombstones.touch(rec);
        continue;
      }
      if (now - rec.deletedSec * 1e6 <= this.opts.tombstoneTtlUs) break;
      this.remove(rec);
      this.counters.expired++;
    }
  }

  /** The object an event is about: by uid, else by kind/namespace/name (live or tombstone). */
  lookup(uid: string, key: string): ObjRecord | undefined {
    return (uid && this.byUid.get(uid)) || this.byKey.get(key);
  }

  byKeyOnly(key: string): ObjRecord | undefined {
    return this.byKey.get(key);
  }

  /**
   * The key of the object an event refers to, with the reference's strings (name, uid) and the key
   * itself shared with the graph's record of it when there is one: a held event then keeps no
   * copies of its object's strings (each a separate string parsed from its own line).
   */
  sharedKey(r: { kind: string; namespace: string; name: string; uid?: string }): string {
    // Known by uid under the same name (most events): its key, without making one to compare.
    const known = r.uid ? this.byUid.get(r.uid) : undefined;
    if (known && isNamed(known, r.kind, r.namespace, r.name)) {
      r.name = known.name;
      r.uid = known.uid;
      return known.key;
    }
    const key = objKey(r.kind, r.namespace, r.name);
    const rec = this.lookup(r.uid ?? '', key);
    if (!rec || rec.key !== key) {
      // A name a rule cut out of an event's message keeps the whole message alive (V8 slices):
      // taken from the key instead, which is held anyway.
      r.name = key.slice(key.length - r.name.length);
      return key;
    }
    r.name = rec.name;
    if (r.uid && r.uid === rec.uid) r.uid = rec.uid;
    return rec.key;
  }

  /**
   * The owner chain of an object, nearest first. Owners come from the graph (tombstones included);
   * where the graph has nothing, from Kubernetes' naming conventions — accepted only when the guessed
   * owner is known (as an object, or as something an event named: `hasEvidence`).
   */
  chain(
    kind: string,
    namespace: string,
    name: string,
    uid: string,
    hasEvidence: (key: string) => boolean,
  ): Ancestor[] {
    const out: Ancestor[] = [];
    // By uid first: the key is only made when that finds nothing (this runs for every span).
    let rec = (uid && this.byUid.get(uid)) || this.byKey.get(objKey(kind, namespace, name));
    let cur = { kind, namespace, name };
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      let next: Ancestor | undefined;
      if (rec?.ownerKind) {
        // Found by uid, the owner's own key is the one to build (no new string per step).
        const byUid = rec.ownerUid ? this.byUid.get(rec.ownerUid) : undefined;
        const key =
          byUid && isNamed(byUid, rec.ownerKind, rec.namespace, rec.ownerName)
            ? byUid.key
            : objKey(rec.ownerKind, rec.namespace, rec.ownerName);
        const owner = byUid ?? this.byKey.get(key);
        next = {
          kind: rec.ownerKind,
          namespace: CLUSTER_SCOPED.has(rec.ownerKind) ? '' : rec.namespace,
          name: rec.ownerName,
          key,
          uid: owner?.uid || rec.ownerUid,
          record: owner,
          via: owner?.deleted ? 'tombstone' : 'graph',
        };
      } else if (!rec) {
        next = this.guessOwner(cur.kind, cur.namespace, cur.name, hasEvidence);
      }
      if (!next || hasKey(out, next.key)) break;
      out.push(next);
      rec = next.record;
      cur = next;
    }
    return out;
  }

  private known(key: string, hasEvidence: (key: string) => boolean): ObjRecord | true | undefined {
    return this.byKey.get(key) ?? (hasEvidence(key) ? true : undefined);
  }

  private ancestor(
    kind: string,
    namespace: string,
    name: string,
    found: ObjRecord | true,
  ): Ancestor {
    const record = found === true ? undefined : found;
    return {
      kind,
      namespace,
      name,
      key: objKey(kind, namespace, name),
      uid: record?.uid ?? '',
      record,
      via: 'name',
    };
  }

  /** Owner from naming conventions: Pod `<owner>-<suffix>`, ReplicaSet `<deployment>-<hash>`, Job `<cronjob>-<n>`. */
  private guessOwner(
    kind: string,
    ns: string,
    name: string,
    hasEvidence: (key: string) => boolean,
  ): Ancestor | undefined {
    if (kind === 'Pod') {
      const generated = POD_SUFFIX.exec(name)?.[1];
      if (generated) {
        for (const k of GENERATED_POD_OWNERS) {
          const found = this.known(objKey(k, ns, generated), hasEvidence);
          if (found) return this.ancestor(k, ns, generated, found);
        }
        // The ReplicaSet is gone without a trace, but its Deployment is known: Pod → RS → Deployment.
        const deployment = RS_HASH.exec(generated)?.[1];
        if (deployment && this.known(objKey('Deployment', ns, deployment), hasEvidence))
          return this.ancestor('ReplicaSet', ns, generated, true);
        const cronjob = ORDINAL.exec(generated)?.[1];
        if (cronjob && this.known(objKey('CronJob', ns, cronjob), hasEvidence))
          return this.ancestor('Job', ns, generated, true);
      }
      const sts = ORDINAL.exec(name)?.[1];
      if (sts) {
        const found = this.known(objKey('StatefulSet', ns, sts), hasEvidence);
        if (found) return this.ancestor('StatefulSet', ns, sts, found);
      }
      return undefined;
    }
    if (kind === 'ReplicaSet') {
      const deployment = RS_HASH.exec(name)?.[1];
      const found = deployment && this.known(objKey('Deployment', ns, deployment), hasEvidence);
      return found ? this.ancestor('Deployment', ns, deployment, found) : undefined;
    }
    if (kind === 'Job') {
      const cronjob = ORDINAL.exec(name)?.[1];
      const found = cronjob && this.known(objKey('CronJob', ns, cronjob), hasEvidence);
      return found ? this.ancestor('CronJob', ns, cronjob, found) : undefined;
    }
    return undefined;
  }
}

/** The controlling owner reference (the cause; other owners are garbage-collection only), else the first. */
function controllerRef(refs: unknown[]): Record<string, unknown> | undefined {
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i] as { controller?: boolean } | null | undefined;
    if (r && r.controller) return r as Record<string, unknown>;
  }
  return refs[0] as Record<string, unknown> | undefined;
}

/**
 * Whether spec entry `f` written at `us` displaces the newest so far. Entry times are whole
 * seconds: two managers writing in one second tie. On a new generation (`changedAtSec`) a manager
 * not yet known to have written in that second is its author, before one that is.
 */
function displaces(
  rec: ObjRecord,
  f: Record<string, unknown>,
  us: number,
  best: Record<string, unknown> | undefined,
  bestUs: number,
  changedAtSec: number | undefined,
): boolean {
  if (us !== bestUs) return us > bestUs;
  return changedAtSec === undefined || !firstWriteIn(rec, best, us) || firstWriteIn(rec, f, us);
}

/** Whether entry `f` is not known to have written a generation of `rec` in `us`'s second. */
function firstWriteIn(rec: ObjRecord, f: Record<string, unknown> | undefined, us: number): boolean {
  return f !== undefined && !rec.wroteAt(f.manager, Math.floor(us / 1e6));
}

/** Whether a chain already has `key` (a loop in the owners); a plain loop, no closure per step. */
function hasKey(chain: readonly Ancestor[], key: string): boolean {
  for (let i = 0; i < chain.length; i++) if (chain[i]!.key === key) return true;
  return false;
}

/** Whether `rec`'s key is the one of kind/namespace/name (objKey's rule for cluster-scoped kinds). */
function isNamed(rec: ObjRecord, kind: string, namespace: string, name: string): boolean {
  return (
    rec.kind === kind &&
    rec.name === name &&
    (rec.namespace === namespace || CLUSTER_SCOPED.has(kind))
  );
}

/** When the annotation was last written, from managedFields (µs), if recorded. */
function annotationTime(fields: unknown, annotation: string): number | undefined {
  if (!Array.isArray(fields)) return undefined;
  let latest: number | undefined;
  for (const f of fields as Record<string, unknown>[]) {
    const meta = (f?.fieldsV1 as Record<string, unknown> | undefined)?.['f:metadata'] as
      Record<string, unknown> | undefined;
    const ann = meta?.['f:annotations'] as Record<string, unknown> | undefined;
    if (!ann || !(`f:${annotation}` in ann)) continue;
    const t = parseTime(f.time);
    if (t && (latest === undefined || t.us > latest)) latest = t.us;
  }
  return latest;
}
