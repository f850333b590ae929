import type { SpanRec } from './records.js';
import { microsWithin, wholeSeconds } from './time.js';

// Occurrences are the object timelines' marks (timeline.ts), held as long as their event: a causal
// event's for `parent_ttl`. Their three µs times were each a 16-byte number box; kept as whole
// seconds and µs within the second (time.ts), `at` as a bit (it is `t` or `obs`).

// Occurrence.bits: two flags, and above them its count (a field less: 8 bytes on every mark).
const COARSE = 1;
/** `at` is the observation (else it is `t`): see `occurrenceOf` (event-order.ts). */
const AT_OBS = 2;
const COUNT_ONE = 4;

/** One occurrence of an event (a `count`/`series` step) at its own time. */
export class Occurrence {
  private readonly tSec: number;
  private readonly tSub: number;
  private readonly obsSec: number;
  private readonly obsSub: number;
  private readonly bits: number;
  /**
   * The span it is an occurrence of, set when added. The object timelines hold occurrences
   * themselves as their marks (timeline.ts): one object per occurrence, not a copy per list.
   */
  span: SpanRec | undefined = undefined;

  constructor(
    count: number,
    /** When it happened, from the event alone (µs; whole seconds when `coarse`): span times. */
    t: number,
    coarse: boolean,
    /** `t` or `obs` (see `at`); anything else reads as `t`. */
    at: number,
    obs: number,
  ) {
    this.tSec = wholeSeconds(t);
    this.tSub = microsWithin(t, this.tSec);
    this.obsSec = wholeSeconds(obs);
    this.obsSub = microsWithin(obs, this.obsSec);
    // Added, not or-ed: a count past 2^29 stays exact (a double; `&` still reads the flags right).
    this.bits = (coarse ? COARSE : 0) + (at !== t && at === obs ? AT_OBS : 0) + count * COUNT_ONE;
  }

  /** Its `count`/`series.count` step. */
  get count(): number {
    return Math.floor(this.bits / COUNT_ONE);
  }

  get t(): number {
    return this.tSec * 1e6 + this.tSub;
  }

  get coarse(): boolean {
    return (this.bits & COARSE) !== 0;
  }

  /**
   * When it happened as best known, for cause order only (event-order.ts): `t`, or for a time in
   * whole seconds the observation when that lies in the same second (happened then or before).
   */
  get at(): number {
    return (this.bits & AT_OBS) !== 0 ? this.obs : this.t;
  }

  get obs(): number {
    return this.obsSec * 1e6 + this.obsSub;
  }
}
