// The records the engine's parts share: an Event and its spans (`EventEntry`, `SpanRec`), and a
// change — one trace — with its root (`Change`). One module, so that neither imports the other;
// long (~700 lines) because these are the records held longest, and each packs its fields
// (flags in one integer, times and ids as small integers) behind accessors that say what they are.
import type { ClusterIdentity } from '@kspan/core';
import { actionKey } from './aggregation.js';
import { changeTraceId, rootSpanId, type RemoteParent } from './ids.js';
import type { NormEvent } from './normalize.js';
import type { Ancestor } from './obj-record.js';
import { RuleMatch, type CompiledRule } from './rules.js';
import { hexNameOf, isHexName } from './event-name.js';
import { compareHex, halves, hex16, readSpanId } from './hex-halves.js';
import type { ChangeEnd } from './change-end.js';
import { insertAt } from './small-list.js';
import { microsWithin, wholeSeconds } from './time.js';
import { heldSec, heldSub, heldUs, NAN } from './held-time.js';
import { Occurrence } from './occurrence.js';

export { Occurrence } from './occurrence.js';

/** How a span found its parent (a metric label and the `kspan.parent.via` attribute). */
export type ParentVia =
  | 'named' // the latest event whose message named this object
  | 'owner' // the latest event that named an owner up the chain
  | 'root' // the root of the change (top object reached)
  | 'traceparent' // a root whose parent is the annotation's remote span
  | 'none' // a root without a parent
  | 'repeat'; // a follow-on span: the first span's parent

/**
 * What a later span of the same event needs of an exported one: its ids and place in the trace.
 * Small, so it can outlive the event's full record (see event-store.ts).
 */
export interface SpanRef {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  parentRemote: boolean;
  traceFlags: number;
  isRoot: boolean;
  change: Change | undefined;
}

const CREATES = /Create|Recreating/;
const DELETES = /Delete/;
// EventEntry.bits: what kind of event (4 bits), and above them how many of its spans are not out.
const CAUSAL = 1;
const CREATES_CHILD = 2;
const DELETES_CHILD = 4;
const DELETION = 8;
const OPEN_ONE = 16;

/** Everything kept about one Event object (one action of it, see `key`) while it can still matter. */
export class EventEntry {
  /** The span collecting new occurrences: pending until its window closes, then a follow-on starts. */
  current: SpanRec;
  /** When it was last touched (`touched`, µs) as two small integers: a µs double is a 16-byte box. */
  private touchedSec = 0;
  private touchedSub = 0;
  /** Recency queue stamp. */
  stamp = 0;
  /** What it is kept by: the Event's uid, or for an aggregated Event uid and message (aggregation.ts). */
  readonly key: string;
  /**
   * `causal`, `creates`, `deletes`, `deletion` and the number of its spans not out yet (`open`) in
   * one small integer (a field each is 8 bytes, and a causal event is held `parent_ttl`).
   */
  private bits: number;
  /** The Event's uid and container: what other events' spans are compared with (and its name). */
  readonly uid: string;
  readonly container: string;
  /**
   * Its name (see `name`): the string, or for a client-go name `<object>.<16 hex>` the hex's high
   * half (`nameLo` the low one), the object's name being the end of `objKey` (event-name.ts).
   */
  private readonly nameHi: string | number;
  private readonly nameLo: number;
  private event: NormEvent | undefined;
  /** Its rule match; once its spans are out, just the rule where the match is its rule and child key (see `exported`). */
  private matched: RuleMatch | CompiledRule | undefined;

  constructor(
    ev: NormEvent,
    match: RuleMatch | undefined,
    readonly objKey: string,
    readonly childKey: string,
    now: number,
    prev: SpanRef | undefined,
    /** Not an Event: a deletion asked for by a user (deletions.ts), a possible cause. */
    deletion = false,
  ) {
    this.event = ev;
    this.matched = match;
    this.uid = ev.uid;
    if (isHexName(ev.name, ev.regarding.name, objKey)) {
      this.nameHi = halves.hi;
      this.nameLo = halves.lo;
    } else {
      this.nameHi = ev.name;
      this.nameLo = 0;
    }
    this.container = ev.container;
    this.touched = now;
    this.key = actionKey(ev);
    this.bits =
      (childKey !== '' || match?.rule.root === true ? CAUSAL : 0) |
      (childKey !== '' && CREATES.test(ev.reason) ? CREATES_CHILD : 0) |
      (childKey !== '' && !deletion && DELETES.test(ev.reason) ? DELETES_CHILD : 0) |
      (deletion ? DELETION : 0);
    this.current = new SpanRec(this, prev);
  }

  /** The Event's name (`metadata.name`). */
  get name(): string {
    const hi = this.nameHi;
    return typeof hi === 'string' ? hi : hexNameOf(this.objKey, hi, this.nameLo);
  }

  /**
   * Whether it was created before `other` (an event on the same object's timeline): core/v1 names
   * are `<object>.<hex creation time>`, so two names of one length compare as that time; else,
   * and for equal names, by uid.
   */
  createdBefore(other: EventEntry): boolean {
    const hi = this.nameHi;
    const otherHi = other.nameHi;
    if (typeof hi === 'number' && typeof otherHi === 'number' && this.objKey === other.objKey) {
      const c = compareHex(hi, this.nameLo, otherHi, other.nameLo);
      return c !== 0 ? c < 0 : this.uid < other.uid;
    }
    const a = this.name;
    const b = other.name;
    return a.length === b.length && a !== b ? a < b : this.uid < other.uid;
  }

  /** The rule it matched, if any (the same for all its spans). */
  get match(): RuleMatch | undefined {
    const m = this.matched;
    if (m === undefined || m instanceof RuleMatch) return m;
    // Only the rule was kept (a follow-on span asks again): the child is the child key's.
    const key = this.childKey;
    const ns = key.indexOf('/') + 1;
    const name = key.indexOf('/', ns) + 1;
    const match = m.child
      ? new RuleMatch(m, key.slice(ns, name - 1), key.slice(name), undefined)
      : new RuleMatch(m, '', '', undefined);
    this.matched = match;
    return match;
  }

  /**
   * The highest occurrence count seen: a MODIFIED without a higher count is no new occurrence.
   * Its current span's last (a higher count is added to it, or to a follow-on that becomes
   * current; a lower one goes before it): not a field of its own.
   */
  get maxCount(): number {
    return this.current.last().count;
  }

  /** Whether its spans can be parents (the rule names a child, or makes it a root): kept longer. */
  get causal(): boolean {
    return (this.bits & CAUSAL) !== 0;
  }

  /** It creates the object it names (`Created pod: x`, `create Pod x in StatefulSet s successful`). */
  get creates(): boolean {
    return (this.bits & CREATES_CHILD) !== 0;
  }

  /** A controller deleting the object it names (`Deleted pod: x`, `delete Pod x in StatefulSet s …`). */
  get deletes(): boolean {
    return (this.bits & DELETES_CHILD) !== 0;
  }

  /** Not an Event: a deletion asked for by a user (deletions.ts), a possible cause. */
  get deletion(): boolean {
    return (this.bits & DELETION) !== 0;
  }

  /** Its spans not out yet. While there are, the normalised event is kept (see `ev`). */
  get open(): number {
    return Math.floor(this.bits / OPEN_ONE);
  }

  /** When it was last touched: its first occurrence or a later one (the pipeline's time, µs). */
  get touched(): number {
    return this.touchedSec * 1e6 + this.touchedSub;
  }
  set touched(us: number) {
    this.touchedSec = wholeSeconds(us);
    this.touchedSub = microsWithin(us, this.touchedSec);
  }

  /** A span of it was made (SpanRec's constructor). */
  opened(): void {
    this.bits += OPEN_ONE;
  }

  /**
   * The event as first seen (its identity, object and rule do not change with repeats), for its
   * spans until they are out. Then only what parent resolution and dedupe need stays (the fields
   * above, the spans' ids and times): a causal event is held `parent_ttl`, and its normalised
   * event, message and object reference were most of its weight. A later occurrence brings the
   * event back (`reopen`).
   */
  get ev(): NormEvent {
    if (this.event === undefined) throw new Error(`event ${this.key}: record already released`);
    return this.event;
  }

  /** A later occurrence of an event whose spans are all out: its item's event serves its next span. */
  reopen(ev: NormEvent): void {
    this.event ??= ev;
  }

  /**
   * One of its spans went out: with none left open, the normalised event goes, and the rule match
   * where its rule and the child key say all of it (no attributes; the child's namespace and name
   * those of the key): 56 bytes on each causal event held `parent_ttl`.
   */
  exported(): void {
    this.bits -= OPEN_ONE;
    if (this.open !== 0 || this.deletion) return;
    this.event = undefined;
    const m = this.matched;
    if (m instanceof RuleMatch && m.attributes === undefined && this.keyNames(m))
      this.matched = m.rule;
  }

  /** Whether the child key is `<kind>/<namespace>/<name>` of the match's child (or it names none). */
  private keyNames(m: RuleMatch): boolean {
    if (!m.rule.child) return m.namespace === '' && m.name === '';
    const key = this.childKey;
    return (
      key.length === m.rule.child.length + m.namespace.length + m.name.length + 2 &&
      key.startsWith(m.rule.child) &&
      key.charCodeAt(m.rule.child.length) === 47 &&
      key.startsWith(m.namespace, m.rule.child.length + 1) &&
      key.charCodeAt(key.length - m.name.length - 1) === 47 &&
      key.endsWith(m.name)
    );
  }
}

export const enum State {
  Pending = 0,
  Resolving = 1,
  Resolved = 2,
  Exported = 3,
}

// Shared by spans not yet given an occurrence (never written: `add` replaces it).
const NO_OCCURRENCES: Occurrence[] = [];

/** Occurrences taken off a waiting span (`SpanRec.takeFrom`), with their messages. */
export interface Occurrences {
  occ: Occurrence[];
  messages: string[];
}

/**
 * What a span needs only until it is out — its occurrences as a list, the span before it, its
 * parent, owner chain, window and held end, how it found its parent. A part of its own, dropped
 * on export: most spans held at any time are out (a causal event's for `parent_ttl`), and each of
 * these fields was 8 bytes on every one of them, the two times a 16-byte number box each.
 */
class Waiting {
  /** Its occurrences in count order: with one (most spans) that one, not a list of one (56 bytes). */
  occ: Occurrence | Occurrence[] = NO_OCCURRENCES;
  /**
   * Each occurrence's message, by index in `occ` (a span's events and status need them until it
   * is out): with one occurrence that message.
   */
  messages: string | string[] = '';
  parent: SpanRec | undefined = undefined;
  chain: readonly Ancestor[] | undefined = undefined;
  /** `releaseAt` and `heldEnd` as held times (held-time.ts): no number box. */
  private releaseAtSec = 0;
  private releaseAtSub = NAN;
  via: ParentVia = 'none';
  private heldEndSec = 0;
  private heldEndSub = NAN;
  constructor(public prev: SpanRef | undefined) {}

  /** When its window closes (µs). */
  get releaseAt(): number {
    return heldUs(this.releaseAtSec, this.releaseAtSub);
  }
  set releaseAt(us: number) {
    this.releaseAtSec = heldSec(us);
    this.releaseAtSub = heldSub(us);
  }

  /** The end its events gave it when it was held (µs). */
  get heldEnd(): number {
    return heldUs(this.heldEndSec, this.heldEndSub);
  }
  set heldEnd(us: number) {
    this.heldEndSec = heldSec(us);
    this.heldEndSub = heldSub(us);
  }
}

// SpanRec.bits: its state (2 bits), its booleans (SPAN_FLAGS, STARTED), its trace flags (8 bits),
// and whether its id and its parent's are set.
const STATE_MASK = 3;
/** `startUs` is set. */
const STARTED = 128;
const TRACE_FLAGS_SHIFT = 8;
const TRACE_FLAGS_MASK = 0xff << TRACE_FLAGS_SHIFT;
const ID_SET = 1 << 16;
const PARENT_SET = 1 << 17;

/** One span to be: an event's first occurrences, or a follow-on for later ones. */
export class SpanRec {
  /**
   * Until export its `Waiting` part. After, its last occurrence (a timeline mark): all that
   * `first()`/`last()` give then — but a root keeps its part (its change reads its window). One
   * field for both: a field is 8 bytes on every span held.
   */
  private part: Waiting | Occurrence | undefined;
  /** State, booleans and trace flags in one small integer (a field each is 8 bytes, and spans are many). */
  private bits = 1 << TRACE_FLAGS_SHIFT;
  /**
   * Its span id, frozen the first time anyone needs it (a child, or export), and its parent's
   * (`parentSpanId`; none when `PARENT_SET` is off): each as two 32-bit halves (hex-halves.ts),
   * not a 16-character string of its own.
   */
  private idHi = 0;
  private idLo = 0;
  private parentHi = 0;
  private parentLo = 0;
  /**
   * Its change (its trace id is the change's), or without one its trace id ('' until resolved; a
   * follow-on of a span whose record is gone has an id only). One field for both.
   */
  private trace: Change | string = '';
  /** Its start as exported (see `startUs`): whole seconds and µs, small integers, not a number box. */
  private startSec = 0;
  private startSub = 0;
  declare parentRemote: boolean;
  /** This span is its change's root (a top-level event such as Flux `Sync`). */
  declare isRoot: boolean;
  /** Its window has closed. */
  declare released: boolean;
  /** A modelled deletion that turned out to be a controller's (its own event names it): no cause. */
  declare voided: boolean;
  /**
   * Held for its end after its window closed (durations.ts), with the end its events gave then
   * (`heldEnd`, µs): the timelines it was read from may be swept before the span goes out.
   */
  declare held: boolean;

  constructor(
    readonly entry: EventEntry,
    /** The span before this one of the same event (follow-ons link to it); dropped on export. */
    prev: SpanRef | undefined,
  ) {
    this.part = new Waiting(prev);
    entry.opened();
  }

  /** The part dropped on export, if still there. */
  private get w(): Waiting | undefined {
    const p = this.part;
    return p instanceof Waiting ? p : undefined;
  }

  /** After export (unless a root), its last occurrence. */
  private get kept(): Occurrence | undefined {
    const p = this.part;
    return p instanceof Waiting ? undefined : p;
  }

  /** The part dropped on export; a span written to after that gets a new one, its last occurrence kept. */
  private get waiting(): Waiting {
    const p = this.part;
    if (p instanceof Waiting) return p;
    const w = new Waiting(undefined);
    if (p) {
      w.occ = p;
      w.messages = '';
    }
    this.part = w;
    return w;
  }

  get state(): State {
    return this.bits & STATE_MASK;
  }
  set state(s: State) {
    this.bits = (this.bits & ~STATE_MASK) | s;
  }

  /** Start as exported, for clamping children that come later; NaN before. */
  get startUs(): number {
    return this.bits & STARTED ? this.startSec * 1e6 + this.startSub : NaN;
  }
  set startUs(us: number) {
    if (!Number.isFinite(us)) {
      this.bits &= ~STARTED;
      return;
    }
    this.startSec = wholeSeconds(us);
    this.startSub = microsWithin(us, this.startSec);
    this.bits |= STARTED;
  }

  get traceFlags(): number {
    return (this.bits & TRACE_FLAGS_MASK) >>> TRACE_FLAGS_SHIFT;
  }
  set traceFlags(f: number) {
    this.bits = (this.bits & ~TRACE_FLAGS_MASK) | ((f & 0xff) << TRACE_FLAGS_SHIFT);
  }

  /** The change it belongs to, once resolved (undefined when its change is gone). */
  get change(): Change | undefined {
    const t = this.trace;
    return typeof t === 'string' ? undefined : t;
  }
  set change(c: Change | undefined) {
    const t = this.trace;
    if (c) this.trace = c;
    else if (typeof t !== 'string') this.trace = t.traceId;
  }

  /** Its trace id: its change's, if it has one. */
  get traceId(): string {
    const t = this.trace;
    return typeof t === 'string' ? t : t.traceId;
  }
  set traceId(id: string) {
    const t = this.trace;
    if (typeof t === 'string') this.trace = id;
    else if (t.traceId !== id) throw new Error(`a span of trace ${t.traceId} given trace ${id}`);
  }

  /** Its parent's span id, '' for none. */
  get parentSpanId(): string {
    return this.bits & PARENT_SET ? hex16(this.parentHi, this.parentLo) : '';
  }
  set parentSpanId(id: string) {
    if (id === '') {
      this.bits &= ~PARENT_SET;
      return;
    }
    readSpanId(id);
    this.parentHi = halves.hi;
    this.parentLo = halves.lo;
    this.bits |= PARENT_SET;
  }

  /** Its parent is `p` (an event's span): `p`'s id, frozen now, without a string made. */
  parentIs(p: SpanRec, make: (uid: string, count: number) => string): void {
    p.freezeId(make);
    this.parentHi = p.idHi;
    this.parentLo = p.idLo;
    this.bits |= PARENT_SET;
  }

  /** Occurrences while pending (a list made for one); after export only the last. */
  get occ(): Occurrence[] {
    const o = this.w ? this.w.occ : this.kept;
    return o === undefined ? NO_OCCURRENCES : o instanceof Occurrence ? [o] : o;
  }

  /** How many occurrences `occ` has, without a list made. */
  get occCount(): number {
    const o = this.w ? this.w.occ : this.kept;
    return o === undefined ? 0 : o instanceof Occurrence ? 1 : o.length;
  }

  /** Whether an occurrence of count `count` is in `occ`, without a list made. */
  hasCount(count: number): boolean {
    for (let i = 0, n = this.occCount; i < n; i++) if (this.occAt(i)!.count === count) return true;
    return false;
  }

  /** Occurrence `i` of `occ`, without a list made. */
  occAt(i: number): Occurrence | undefined {
    const o = this.w ? this.w.occ : this.kept;
    return o instanceof Occurrence ? (i === 0 ? o : undefined) : o?.[i];
  }

  /** The span before this one of the same event (follow-ons link to it); dropped on export. */
  get prev(): SpanRef | undefined {
    return this.w?.prev;
  }
  set prev(p: SpanRef | undefined) {
    this.waiting.prev = p;
  }

  /** The parent while both are in memory (for time propagation and clamping); dropped on export. */
  get parent(): SpanRec | undefined {
    return this.w?.parent;
  }
  set parent(p: SpanRec | undefined) {
    this.waiting.parent = p;
  }

  /** The owner chain found while resolving, kept until export (attributes) and then dropped. */
  get chain(): readonly Ancestor[] | undefined {
    return this.w?.chain;
  }
  set chain(c: readonly Ancestor[] | undefined) {
    this.waiting.chain = c;
  }

  /** When its window closes (µs). */
  get releaseAt(): number {
    return this.w?.releaseAt ?? NaN;
  }
  set releaseAt(at: number) {
    this.waiting.releaseAt = at;
  }

  /** How it found its parent (read when resolved and on export). */
  get via(): ParentVia {
    return this.w?.via ?? 'none';
  }
  set via(v: ParentVia) {
    this.waiting.via = v;
  }

  get done(): boolean {
    return this.state === State.Exported;
  }

  get heldEnd(): number {
    return this.w?.heldEnd ?? NaN;
  }
  set heldEnd(end: number) {
    this.waiting.heldEnd = end;
  }

  first(): Occurrence {
    const o = this.w ? this.w.occ : this.kept!;
    return o instanceof Occurrence ? o : o[0]!;
  }

  last(): Occurrence {
    const o = this.w ? this.w.occ : this.kept!;
    return o instanceof Occurrence ? o : o[o.length - 1]!;
  }

  /** Adds an occurrence in count order (a shuffled replay may deliver counts out of order). */
  add(o: Occurrence, message: string): void {
    o.span = this;
    const w = this.waiting;
    const had = w.occ;
    if (!(had instanceof Occurrence) && had.length === 0) {
      w.occ = o;
      w.messages = message;
      return;
    }
    const occ = had instanceof Occurrence ? [had] : had;
    let i = occ.length;
    while (i > 0 && occ[i - 1]!.count > o.count) i--;
    w.occ = insertAt(occ, i, o);
    const m = w.messages;
    w.messages = insertAt(typeof m === 'string' ? [m] : m, i, message);
  }

  /** The message of occurrence `i` of `occ` while the span waits; '' once it is out. */
  messageOf(i: number): string {
    const m = this.w?.messages;
    return typeof m === 'string' ? (i === 0 ? m : '') : (m?.[i] ?? '');
  }

  /** The message of its last occurrence while it waits; '' once it is out. */
  get lastMessage(): string {
    const m = this.w?.messages;
    return typeof m === 'string' ? m : (m?.[m.length - 1] ?? '');
  }

  /** Takes its occurrences from index `at` on (they go on in a follow-on span). */
  takeFrom(at: number): Occurrences {
    const w = this.waiting;
    const o = w.occ;
    const m = w.messages;
    // At `at` > 0 there are two or more occurrences: they and their messages are lists.
    if (o instanceof Occurrence || typeof m === 'string') return { occ: [], messages: [] };
    return { occ: o.splice(at), messages: m.splice(at) };
  }

  spanId(make: (uid: string, count: number) => string): string {
    return this.freezeId(make) ?? hex16(this.idHi, this.idLo);
  }

  /** Fixes its id if not yet fixed, and returns it then (else undefined). */
  private freezeId(make: (uid: string, count: number) => string): string | undefined {
    if (this.bits & ID_SET) return undefined;
    const id =
      this.isRoot && this.change
        ? this.change.rootSpanId
        : make(this.entry.uid, this.first().count);
    readSpanId(id);
    this.idHi = halves.hi;
    this.idLo = halves.lo;
    this.bits |= ID_SET;
    return id;
  }

  /** The light reference later spans of the same event keep. */
  ref(make: (uid: string, count: number) => string): SpanRef {
    return {
      traceId: this.traceId,
      spanId: this.spanId(make),
      parentSpanId: this.parentSpanId,
      parentRemote: this.parentRemote,
      traceFlags: this.traceFlags,
      isRoot: this.isRoot,
      change: this.change,
    };
  }

  /**
   * After export: drop what only a waiting span needs (its last occurrence stays, as a timeline
   * mark). A root keeps its window (its change's root timer reads it), the rest of that part goes.
   */
  shrink(): void {
    const w = this.w;
    if (w) {
      const o = w.occ;
      const last = o instanceof Occurrence ? o : o[o.length - 1];
      w.messages = '';
      if (this.isRoot) {
        w.occ = last ?? NO_OCCURRENCES;
        w.parent = undefined;
        w.chain = undefined;
        w.prev = undefined;
      } else this.part = last;
    }
    this.entry.exported();
  }
}

/** SpanRec's booleans: bits of its `bits`, above its state. */
const SPAN_FLAGS = { parentRemote: 4, isRoot: 8, released: 16, voided: 32, held: 64 } as const;
for (const [name, bit] of Object.entries(SPAN_FLAGS))
  Object.defineProperty(SpanRec.prototype, name, {
    get(this: { bits: number }): boolean {
      return (this.bits & bit) !== 0;
    },
    set(this: { bits: number }, on: boolean) {
      this.bits = on ? this.bits | bit : this.bits & ~bit;
    },
  });

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
  /** How it ended (its top object's status), once known; undefined without status. */
  ending: ChangeEnd | undefined = undefined;
  /** Its root is due but waits for the status to say the change ended (not flushed at shutdown). */
  awaitingEnd = false;
  /** The component of its first event: the root's service when the spec writer is unknown. */
  component = '';

  constructor(
    /** Active-change map key: `<uid>/<generation>` or `<owner uid>/run/<kind>/<name>`. */
    readonly slot: string,
    /** The trace's identity: the slot, plus `@<seconds>` for a later burst of the same generation. */
    readonly key: string,
    readonly top: TopInfo,
    readonly remote: RemoteParent | undefined,
    /** The cluster of the event that opened it: its uid is part of the trace id. */
    readonly cluster: ClusterIdentity | undefined,
    /** One run of a CronJob (a `root` + `child` rule): `top` is the run's object, not a generation. */
    readonly isRun = false,
  ) {
    this.traceId = remote?.traceId ?? changeTraceId(key, cluster?.uid);
    this.rootSpanId = rootSpanId(key);
  }

  attach(now: number, start: number, end: number, component: string): void {
    if (Number.isNaN(this.firstAttach)) this.firstAttach = now;
    this.lastAttach = now;
    // The earliest event's component (by time, then name: never by arrival).
    if (
      component &&
      (start < this.minStart ||
        (start === this.minStart && (!this.component || component < this.component)))
    )
      this.component = component;
    if (start < this.minStart) this.minStart = start;
    if (end > this.maxEnd) this.maxEnd = end;
  }
}
