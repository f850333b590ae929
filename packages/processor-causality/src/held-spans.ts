import { State, type SpanRec } from './records.js';

/**
 * Released spans whose end is not known yet (durations.ts: a creating span until its Pod is Ready,
 * `Pulling` until `Pulled`), by the object whose next item may end them. The engine puts a span
 * here with a deadline timer; news about the object lets out those whose end is now known.
 */
export class HeldSpans {
  private readonly byKey = new Map<string, SpanRec[]>();
  private held = 0;

  constructor(
    /** What a span still waits for (the object's key), undefined once its end is known. */
    private readonly awaits: (s: SpanRec) => string | undefined,
    private readonly out: (s: SpanRec) => void,
  ) {}

  get size(): number {
    return this.held;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  add(s: SpanRec, key: string): void {
    const list = this.byKey.get(key);
    if (list) list.push(s);
    else this.byKey.set(key, [s]);
    this.held++;
  }

  /** Something new about `key`: held spans whose end is now known go out. */
  news(key: string): void {
    const list = this.byKey.get(key);
    if (!list) return;
    const waiting = list.filter((s) => {
      if (s.state === State.Exported) return false;
      if (this.awaits(s) === key) return true;
      this.out(s);
      return false;
    });
    this.held -= list.length - waiting.length;
    if (waiting.length) this.byKey.set(key, waiting);
    else this.byKey.delete(key);
  }

  /**
   * The change `c` ended (its root went out): spans of it still waiting for their end go out with
   * the extent known now, e.g. the creating span of a pod that never became Ready in a rollout
   * that failed. Nothing more will make them part of a change still going on.
   */
  changeEnded(c: object): void {
    for (const [key, list] of this.byKey) {
      const waiting = list.filter((s) => {
        if (s.change !== c || s.state === State.Exported) return s.state !== State.Exported;
        this.out(s);
        return false;
      });
      this.held -= list.length - waiting.length;
      if (waiting.length) this.byKey.set(key, waiting);
      else this.byKey.delete(key);
    }
  }

  /** A held span's time is up: it goes out with the extent known now. */
  expire(s: SpanRec): void {
    const key = this.awaits(s);
    const list = key === undefined ? undefined : this.byKey.get(key);
    const i = list ? list.indexOf(s) : -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      this.held--;
      if (!list.length) this.byKey.delete(key!);
    }
    this.out(s);
  }
}
