import type { RemoteParent } from './ids.js';
import type { StatusRecord } from './object-status.js';
import { microsWithin, wholeSeconds } from './time.js';

/** Who wrote a generation's spec (a `managedFields` manager and operation), and when (s; 0: unknown). */
export interface SpecWriter {
  readonly manager: string;
  readonly operation: string;
  readonly sec: number;
}

/** A generation that has ended: when it began (s; 0: unknown) and who wrote it ('': unknown). */
interface PastGeneration extends SpecWriter {
  readonly generation: number;
  readonly sinceSec: number;
  /** µs within `sinceSec`: two generations written in one second (set image, then scale). */
  readonly sinceSub: number;
}

/** Generations kept per object: a change's events resolve within a window or so of it. */
const MAX_PAST = 8;

class History {
  /** Ended generations, oldest first. */
  past: PastGeneration[] = [];
  successorSec = 0;
  succeeds = false;
  genSinceSub = 0;
  traceparent: RemoteParent | undefined = undefined;
}

/**
 * What causality keeps of one object: identity, its controlling owner, generation, the newest
 * writer of `spec`, a `traceparent` annotation and deletion. A few hundred bytes, never the object.
 */
export class ObjRecord {
  ownerUid = '';
  ownerKind = '';
  ownerName = '';
  // Times here are whole seconds since the epoch (managedFields times have no more), small integers
  // that V8 stores inline; a µs double would be a separate heap box per field per object.
  generation = 0;
  /** When `generation` took effect (s; 0 when it predates what we saw). */
  genSince = 0;
  /** When the watch last delivered this object: second and µs within it (see `seenUs`). */
  private seenSec = 0;
  private seenSub = 0;
  /** The generation before, for events still arriving about the previous change. */
  prevGeneration = -1;
  specManager = '';
  specOperation = '';
  /** When the newest writer of spec wrote (s; 0 when unknown). */
  specSec = 0;
  /** `metadata.creationTimestamp` (s; 0 when unknown): when generation 1 began. */
  createdSec = 0;
  /** What its status said (object-status.ts); absent for objects watched without status. */
  status: StatusRecord | undefined = undefined;
  /** When the DELETED arrived (s); 0 while alive; -1 when deleted before any item carried a time. */
  deletedSec = 0;
  /**
   * When its deletion was asked for (s; 0: not being deleted): `deletionTimestamp` less the grace
   * period, else when the DELETED was seen. A field, not in the history: a replay holds tens of
   * thousands of deleted pods (`tombstone_ttl`), which would each need a history for it.
   */
  deletingSec = 0;
  /** Recency queue stamps: last update (LRU cap) and deletion (tombstone expiry). */
  lru = 0;
  tomb = 0;
  /** What few objects need (a history, a traceparent…), allocated on first use: one field for the rest. */
  private history: History | undefined = undefined;

  /**
   * Ends the current generation (its writer as it was) and starts `next`, in force since `sinceSec`
   * — or, first seen after a change (`next` undefined), notes the one before it (its writer the
   * runner-up in managedFields).
   */
  endGeneration(writer: SpecWriter | undefined, next?: number, sinceSec = 0, sinceSub = 0): void {
    const ended = next === undefined ? this.generation - 1 : this.generation;
    // Nothing to remember but the number (most objects first seen after a change): no history.
    if (next === undefined && !writer && !this.history) {
      this.prevGeneration = ended;
      return;
    }
    const h = (this.history ??= new History());
    h.past.push({
      generation: ended,
      sinceSec: next === undefined ? 0 : this.genSince,
      sinceSub: next === undefined ? 0 : h.genSinceSub,
      manager: writer?.manager ?? '',
      operation: writer?.operation ?? '',
      sec: writer?.sec ?? 0,
    });
    if (h.past.length > MAX_PAST) h.past.shift();
    this.prevGeneration = ended;
    if (next === undefined) return;
    this.generation = next;
    this.genSince = sinceSec;
    h.genSinceSub = sinceSub;
  }

  private past(g: number): PastGeneration | undefined {
    const past = this.history?.past;
    if (!past) return undefined;
    for (let i = past.length - 1; i >= 0; i--) if (past[i]!.generation === g) return past[i];
    return undefined;
  }

  /**
   * When the next object of the same kind and name was created (s; 0 while none): a StatefulSet's
   * replacement pod. This object's events are not caused by that one's creation.
   */
  get successorSec(): number {
    return this.history?.successorSec ?? 0;
  }
  set successorSec(sec: number) {
    if (sec || this.history) (this.history ??= new History()).successorSec = sec;
  }

  /**
   * When the watch last delivered this object (µs; 0: never with a time). Kept as two small
   * integers: a µs double is a separate heap box per object.
   */
  get seenUs(): number {
    return this.seenSec * 1e6 + this.seenSub;
  }
  set seenUs(us: number) {
    this.seenSec = wholeSeconds(us);
    this.seenSub = microsWithin(us, this.seenSec);
  }

  /** A valid `traceparent` annotation written with the current spec, if any. */
  get traceparent(): RemoteParent | undefined {
    return this.history?.traceparent;
  }
  set traceparent(tp: RemoteParent | undefined) {
    if (tp || this.history) (this.history ??= new History()).traceparent = tp;
  }

  /** It took the name of an earlier object (a StatefulSet's replacement pod). */
  get succeeds(): boolean {
    return this.history?.succeeds ?? false;
  }
  set succeeds(v: boolean) {
    if (v || this.history) (this.history ??= new History()).succeeds = v;
  }

  /** The generation in force at `t` (µs): events about earlier changes may still be arriving. */
  generationAt(t: number): number {
    if (this.prevGeneration < 0 || t >= this.genSinceUs) return this.generation;
    // No ended generation recorded: first seen after a change (its predecessor's number only), though
    // a history may exist for a traceparent or a predecessor set after that.
    const past = this.history?.past;
    if (!past?.length) return this.prevGeneration;
    for (let i = past.length - 1; i > 0; i--)
      if (t >= past[i]!.sinceSec * 1e6 + past[i]!.sinceSub) return past[i]!.generation;
    return past[0]!.generation;
  }

  /**
   * When the generation in force at `t` (µs) took effect (µs), if that lies in `t`'s second: a
   * controller's step that wrote this object (a ReplicaSet's replicas) happened then.
   */
  writtenBefore(t: number): number | undefined {
    const g = this.generationAt(t);
    const p = g === this.generation ? undefined : this.past(g);
    const since = p ? p.sinceSec * 1e6 + p.sinceSub : this.genSinceUs;
    const second = Math.floor(t / 1e6) * 1e6;
    return since >= second && since <= t ? since : undefined;
  }

  /** When `generation` took effect (µs; 0 when it predates what we saw). */
  get genSinceUs(): number {
    return this.genSince * 1e6 + (this.history?.genSinceSub ?? 0);
  }

  /** When spec was last written (µs), NaN when unknown. */
  get specTime(): number {
    return this.specSec ? this.specSec * 1e6 : NaN;
  }

  /**
   * When generation `g` began (µs), NaN when unknown: the newest spec write for the current
   * generation, the creation for generation 1, the recorded write for an ended one.
   */
  specTimeOf(g: number): number {
    if (g === this.generation) return this.specTime;
    if (g === 1 && this.createdSec) return this.createdSec * 1e6;
    const sec = this.past(g)?.sec;
    return sec ? sec * 1e6 : NaN;
  }

  /** Whether `manager` is known to have written a generation of this object in second `sec`. */
  wroteAt(manager: unknown, sec: number): boolean {
    if (this.specManager === manager && this.specSec === sec) return true;
    const past = this.history?.past;
    return past !== undefined && past.some((p) => p.manager === manager && p.sec === sec);
  }

  /**
   * Who wrote generation `g`: the newest spec writer for the current one, the recorded writer for
   * an ended one; else (unknown) the newest writer, the best guess left.
   */
  writerOf(g: number): SpecWriter {
    const past = g === this.generation ? undefined : this.past(g);
    return past?.manager
      ? past
      : { manager: this.specManager, operation: this.specOperation, sec: this.specSec };
  }

  get deleted(): boolean {
    return this.deletedSec !== 0;
  }

  constructor(
    public uid: string,
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
    readonly key: string,
  ) {}
}

/** One step up an owner chain. `record` is absent when the step was guessed from names alone. */
export interface Ancestor {
  kind: string;
  namespace: string;
  name: string;
  key: string;
  uid: string;
  record: ObjRecord | undefined;
  via: 'graph' | 'tombstone' | 'name';
}

/**
 * Where below second `sec` a generation written in it took effect (µs within the second): after
 * the last version of the previous generation the watch delivered (`prevSeenUs`: the write came
 * after it, and a step of the previous generation comes before the status write that reports it),
 * no later than this one was seen. Two changes in one second (set image, then scale) are told apart
 * this way; 0 when those times do not fall in `sec`.
 */
export function subSecondSince(sec: number, prevSeenUs: number, seenUs: number): number {
  const start = sec * 1e6;
  if (!sec || !Number.isFinite(seenUs) || prevSeenUs <= start || prevSeenUs > seenUs) return 0;
  return prevSeenUs < start + 1e6 ? prevSeenUs - start : 0;
}
