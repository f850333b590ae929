import type { Attributes } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { Recency, type KubeObject } from '@kspan/core';
import { evictOverCap } from './capped.js';
import type { Change } from './records.js';
import { compactSpec, isPlainObject, type CompactSpec, type DiffSettings } from './spec-compact.js';
import { diffSpecs, shortDiff, transition, type SpecChange } from './spec-diff.js';
import { toHrTime } from './time.js';

/** What a change's root span gains from the spec history: attributes and span events. */
export interface RootExtras {
  attributes: Attributes;
  events: TimedEvent[];
}

/** Specs kept per object: the newest two, enough to compare the next generation (or a late g−1). */
const SPECS = 2;
/**
 * What changed, kept per object for its last generations: a root goes out when its change ends
 * (minutes), and an object may change again meanwhile (a `kubectl scale` right after `set image`,
 * an autoscaler). A few hundred characters each.
 */
const RESULTS = 16;
/** Differences kept (and listed in the span event); more are counted. */
const MAX_PATHS = 100;

/** What generation g changed: the differences from g−1 (the first `MAX_PATHS`, and how many). */
type Outcome =
  | { readonly changes: readonly SpecChange[]; readonly total: number }
  | 'unknown' // g−1 was never seen
  | 'too_large'; // g−1 or g was too large to keep

/** What is kept of one top object. */
interface Tracked {
  readonly uid: string;
  /** The newest `SPECS` generations seen, in order, and their specs. */
  gens: number[];
  specs: CompactSpec[];
  /** What each of the last `RESULTS` generations changed. */
  outcomes: Map<number, Outcome>;
  /** Characters held. */
  length: number;
  /** Recency queue stamp. */
  stamp: number;
}

const specLength = (spec: CompactSpec) => (typeof spec === 'string' ? spec.length : 0);
const outcomeLength = (o: Outcome | undefined) =>
  typeof o === 'object'
    ? o.changes.reduce((n, c) => n + c.path.length + c.before.length + c.after.length, 0)
    : 0;

function compare(before: CompactSpec, after: CompactSpec): Outcome {
  if (typeof before === 'number' || typeof after === 'number') return 'too_large';
  const changes = diffSpecs(JSON.parse(before), JSON.parse(after));
  return { changes: changes.slice(0, MAX_PATHS), total: changes.length };
}

/**
 * The spec history of top objects (Deployments, StatefulSets… — `diff.kinds`), so that a change's
 * root can say what changed from generation g−1 to g (`kspan.change.diff`). When a generation
 * arrives it is compared with the one before (and with the one after, had that arrived first: a
 * replay agrees with a live run whatever the order within a window); what changed is kept for the
 * last generations until their roots go out, the compact specs for the newest two only. Kept by
 * object uid, capped in objects and in characters (least recently updated evicted, counted).
 */
export class SpecHistory {
  private readonly byUid = new Map<string, Tracked>();
  private readonly order = new Recency<'stamp', Tracked>('stamp');
  private stored = 0;

  constructor(
    private readonly s: DiffSettings,
    /** Told of each object evicted by a cap (counted). */
    private readonly onEvict: () => void = () => {},
    /**
     * Told when what generation `generation` of `o`'s object changed becomes known: its spec and
     * the one before were both seen (in either order). Not for a generation whose predecessor was
     * never seen (a restart's relist shows only the current one).
     */
    private readonly onCompared: (o: KubeObject, generation: number) => void = () => {},
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
      t = { uid, gens: [], specs: [], outcomes: new Map(), length: 0, stamp: 0 };
      this.byUid.set(uid, t);
    }
    this.order.touch(t);
    // The spec of a generation does not change: it is compacted and compared once.
    if (!t.gens.includes(gen) && !t.outcomes.has(gen))
      this.add(t, o, gen, compactSpec(spec, this.s));
    this.applyCaps();
  }

  /** Adds generation `gen`: compared with its neighbours, then only the newest specs kept. */
  private add(t: Tracked, o: KubeObject, gen: number, spec: CompactSpec): void {
    const prev = t.gens.indexOf(gen - 1);
    if (gen > 1) this.setOutcome(t, gen, prev < 0 ? 'unknown' : compare(t.specs[prev]!, spec));
    if (gen > 1 && prev >= 0) this.onCompared(o, gen);
    const next = t.gens.indexOf(gen + 1);
    if (next >= 0) {
      this.setOutcome(t, gen + 1, compare(spec, t.specs[next]!));
      this.onCompared(o, gen + 1);
    }
    let i = t.gens.length;
    while (i > 0 && t.gens[i - 1]! > gen) i--;
    t.gens.splice(i, 0, gen);
    t.specs.splice(i, 0, spec);
    this.grow(t, specLength(spec));
    while (t.gens.length > SPECS) {
      t.gens.shift();
      this.grow(t, -specLength(t.specs.shift()!));
    }
  }

  private setOutcome(t: Tracked, gen: number, outcome: Outcome): void {
    this.grow(t, outcomeLength(outcome) - outcomeLength(t.outcomes.get(gen)));
    t.outcomes.set(gen, outcome);
    if (t.outcomes.size <= RESULTS) return;
    const oldest = Math.min(...t.outcomes.keys());
    this.grow(t, -outcomeLength(t.outcomes.get(oldest)));
    t.outcomes.delete(oldest);
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

  /**
   * What the root of change `c` says about its spec, if `c` is the spec write of generation g ≥ 2
   * of a top object whose spec g was seen (a later burst of the same generation, a CronJob's run
   * or a deletion is not): the difference from g−1 (`kspan.change.diff`, and the
   * `kspan.change.diff` event at `startUs` with one attribute per changed path), or
   * `kspan.change.previous: unknown` when g−1 was never seen.
   */
  rootExtras(c: Change, startUs: number): RootExtras | undefined {
    const { uid, generation } = c.top;
    // The change table keys a top object's change `<uid>/<generation>` (a later burst adds `@<s>`).
    if (!uid || generation < 2 || c.key !== `${uid}/${generation}`) return undefined;
    const outcome = this.byUid.get(uid)?.outcomes.get(generation);
    if (outcome === undefined) return undefined;
    if (outcome === 'unknown')
      return { attributes: { 'kspan.change.previous': 'unknown' }, events: [] };
    if (outcome === 'too_large')
      return { attributes: { 'kspan.change.diff': '(not compared: spec too large)' }, events: [] };
    const { changes, total } = outcome;
    if (total === 0)
      return { attributes: { 'kspan.change.diff': '(no difference in spec)' }, events: [] };
    const full: Attributes = {};
    for (const ch of changes) full[ch.path] = transition(ch);
    if (total > changes.length) full['kspan.more'] = total - changes.length;
    return {
      attributes: {
        'kspan.change.diff': shortDiff(changes, this.s.maxLength, total),
        'kspan.change.diff.count': total,
      },
      events: [{ name: 'kspan.change.diff', time: toHrTime(startUs), attributes: full }],
    };
  }
}
