import type { Attributes } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { Recency, type KubeObject } from '@kspan/core';
import { evictOverCap } from './capped.js';
import type { Change } from './records.js';
import { compactSpec, isPlainObject, type CompactSpec, type DiffSettings } from './spec-compact.js';
import { diffSpecs, shortDiff, transition } from './spec-diff.js';
import { toHrTime } from './time.js';

/** What a change's root span gains from the spec history: attributes and span events. */
export interface RootExtras {
  attributes: Attributes;
  events: TimedEvent[];
}

/**
 * Generations kept per object: the one before and the current, and one more for a change that
 * lands before the previous change's root went out.
 */
const GENERATIONS = 3;
/** Differences listed in the span event; more are counted. */
const MAX_EVENT_PATHS = 100;

/** The specs kept of one top object, oldest generation first. */
interface Tracked {
  readonly uid: string;
  gens: number[];
  specs: CompactSpec[];
  /** Characters held. */
  length: number;
  /** Recency queue stamp. */
  stamp: number;
}

const lengthOf = (spec: CompactSpec) => (typeof spec === 'string' ? spec.length : 0);

/**
 * The spec history of top objects (Deployments, StatefulSets… — `diff.kinds`): the compact spec of
 * their last few generations, so a change's root can say what changed from generation g−1 to g
 * (`kspan.change.diff`). Kept by object uid, capped in objects and in characters (least recently
 * updated objects evicted, counted). Which generations arrived first does not matter: the
 * difference is made when the root goes out, from whatever of g−1 and g is known then.
 */
export class SpecHistory {
  private readonly byUid = new Map<string, Tracked>();
  private readonly order = new Recency<'stamp', Tracked>('stamp');
  private stored = 0;

  constructor(
    private readonly s: DiffSettings,
    /** Told of each object evicted by a cap (counted). */
    private readonly onEvict: () => void = () => {},
  ) {}

  get size(): number {
    return this.byUid.size;
  }

  /** Keeps the spec of a top object's generation, if its kind is compared and it carries one. */
  observe(o: KubeObject): void {
    if (!this.s.kinds.has(o.kind as string)) return;
    const spec = (o as { spec?: unknown }).spec;
    const uid = o.metadata?.uid;
    const gen = o.metadata?.generation;
    if (!isPlainObject(spec) || typeof uid !== 'string' || !uid) return;
    if (typeof gen !== 'number' || !Number.isInteger(gen) || gen < 1) return;
    let t = this.byUid.get(uid);
    if (!t) {
      t = { uid, gens: [], specs: [], length: 0, stamp: 0 };
      this.byUid.set(uid, t);
    }
    this.order.touch(t);
    // The spec of a generation does not change: it is compacted once.
    if (!t.gens.includes(gen)) this.add(t, gen, compactSpec(spec, this.s));
    this.applyCaps();
  }

  /** Adds generation `gen` in order, dropping the oldest beyond `GENERATIONS`. */
  private add(t: Tracked, gen: number, spec: CompactSpec): void {
    let i = t.gens.length;
    while (i > 0 && t.gens[i - 1]! > gen) i--;
    t.gens.splice(i, 0, gen);
    t.specs.splice(i, 0, spec);
    this.grow(t, lengthOf(spec));
    while (t.gens.length > GENERATIONS) {
      t.gens.shift();
      this.grow(t, -lengthOf(t.specs.shift()!));
    }
  }

  private grow(t: Tracked, n: number): void {
    t.length += n;
    this.stored += n;
  }

  private applyCaps(): void {
    const oldest = () => this.order.oldest();
    const evict = (t: Tracked) => {
      this.byUid.delete(t.uid);
      this.order.forget(t);
      this.stored -= t.length;
      this.onEvict();
    };
    evictOverCap(() => this.byUid.size, this.s.maxObjects, oldest, evict);
    evictOverCap(() => this.stored, this.s.maxStoredLength, oldest, evict);
  }

  private specOf(uid: string, gen: number): CompactSpec | undefined {
    const t = this.byUid.get(uid);
    const i = t ? t.gens.indexOf(gen) : -1;
    return i < 0 ? undefined : t!.specs[i];
  }

  /**
   * What the root of change `c` says about its spec, if `c` is the spec write of generation g ≥ 2
   * of a top object whose spec g is known (a later burst of the same generation, a CronJob's run or
   * a deletion is not): the difference from g−1 (`kspan.change.diff`, and the `kspan.change.diff`
   * event at `startUs` with one attribute per changed path), or `kspan.change.previous: unknown`
   * when g−1 was never seen.
   */
  rootExtras(c: Change, startUs: number): RootExtras | undefined {
    const { uid, generation } = c.top;
    // The change table keys a top object's change `<uid>/<generation>` (a later burst adds `@<s>`).
    if (!uid || generation < 2 || c.key !== `${uid}/${generation}`) return undefined;
    const now = this.specOf(uid, generation);
    if (now === undefined) return undefined;
    const before = this.specOf(uid, generation - 1);
    if (before === undefined)
      return { attributes: { 'kspan.change.previous': 'unknown' }, events: [] };
    if (typeof before === 'number' || typeof now === 'number')
      return { attributes: { 'kspan.change.diff': '(not compared: spec too large)' }, events: [] };
    const changes = diffSpecs(JSON.parse(before), JSON.parse(now));
    if (changes.length === 0)
      return { attributes: { 'kspan.change.diff': '(no difference in spec)' }, events: [] };
    const listed = changes.slice(0, MAX_EVENT_PATHS);
    const full: Attributes = {};
    for (const ch of listed) full[ch.path] = transition(ch);
    if (changes.length > listed.length) full['kspan.more'] = changes.length - listed.length;
    return {
      attributes: {
        'kspan.change.diff': shortDiff(changes, this.s.maxLength),
        'kspan.change.diff.count': changes.length,
      },
      events: [{ name: 'kspan.change.diff', time: toHrTime(startUs), attributes: full }],
    };
  }
}
