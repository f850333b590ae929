import { Heap } from '@kspan/core';
import type { Change, SpanRec } from './records.js';

/**
 * A timer in the pending queue: an event span's window closing, or a change's root falling due.
 * One class (one object shape): the queue compares timers on every push and pop.
 */
export class Timer {
  constructor(
    readonly at: number,
    readonly span: SpanRec | undefined,
    readonly change: Change | undefined,
    /** The span was held for its end (durations.ts): now it goes out with what is known. */
    readonly hold: boolean,
  ) {}
}

/** Timer order: time, then event windows before roots, then event time and uid — never arrival order. */
export function earlier(a: Timer, b: Timer): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (!a.span !== !b.span) return a.span !== undefined;
  if (a.span && b.span) {
    const x = a.span.first();
    const y = b.span.first();
    if (x.t !== y.t) return x.t < y.t;
    return a.span.entry.key < b.span.entry.key;
  }
  return (a.change?.key ?? '') < (b.change?.key ?? '');
}

/**
 * A queue of already ordered items: appended at the tail, taken from the head. The head's slots are
 * cleared as it passes them and the array is cut once half of it is passed.
 */
class Run<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  first(): T | undefined {
    return this.items[this.head];
  }

  last(): T | undefined {
    return this.head < this.items.length ? this.items[this.items.length - 1] : undefined;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * The engine's timers in `earlier` order: core's heap, plus runs — queues of timers that come
 * already in order. Most timers do: an event's window closes `window` after it was observed, and
 * items arrive in the order they were observed; a held span's deadline is a fixed time after its
 * window closed, and windows close in order. Such a timer is appended to its run (O(1)) instead of
 * sifted through a heap of thousands; one out of order (a late item) goes to the heap. `pop` takes
 * the earliest of the heap's top and the runs' heads: the same order as one heap of them all.
 */
export class Timers {
  /** The run of event windows closing. */
  static readonly WINDOW = 0;
  /** The run of held spans' deadlines. */
  static readonly HELD = 1;

  private readonly heap = new Heap<Timer>(earlier);
  private readonly runs = [new Run<Timer>(), new Run<Timer>()];

  get size(): number {
    return this.heap.size + this.runs[0]!.size + this.runs[1]!.size;
  }

  /** Adds a timer; `run` names the run it is likely in order with (appended there if it is). */
  push(t: Timer, run?: number): void {
    if (run !== undefined) {
      const r = this.runs[run]!;
      const last = r.last();
      if (last === undefined || !earlier(t, last)) return r.push(t);
    }
    this.heap.push(t);
  }

  /** The earliest timer, left in place. */
  peek(): Timer | undefined {
    const r = this.earliestRun();
    const top = this.heap.peek();
    if (r === undefined) return top;
    const head = r.first()!;
    return top !== undefined && earlier(top, head) ? top : head;
  }

  /** Takes the earliest timer. */
  pop(): Timer | undefined {
    const r = this.earliestRun();
    if (r === undefined) return this.heap.pop();
    const top = this.heap.peek();
    return top !== undefined && earlier(top, r.first()!) ? this.heap.pop() : r.shift();
  }

  /** The run whose head is earliest, if any run holds a timer. */
  private earliestRun(): Run<Timer> | undefined {
    const a = this.runs[0]!;
    const b = this.runs[1]!;
    const x = a.first();
    const y = b.first();
    if (x === undefined) return y === undefined ? undefined : b;
    return y !== undefined && earlier(y, x) ? b : a;
  }
}
