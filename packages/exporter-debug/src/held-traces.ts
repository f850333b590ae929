import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Spans taken out to be drawn, with the header note of each trace that is one part of several. */
export interface DrawnPart {
  spans: ReadableSpan[];
  /** Trace id → note for its header (`part 2, continued`); absent for a trace drawn whole. */
  notes: Map<string, string>;
  /** Traces in it drawn early because the bound was reached. */
  drawnEarly: number;
  /** Traces in it that continue a part drawn before. */
  continuations: number;
}

interface HeldTrace {
  spans: ReadableSpan[];
  /** The clock's time when a span of it last arrived. */
  last: number;
  /** Order of its first span's arrival. */
  arrival: number;
}

/**
 * The spans the debug exporter holds, per trace, in the order the traces were last added to, and
 * never more than `maxSpans` of them: past the bound the traces least recently added to are taken
 * out early (so memory stays bounded on any input). A trace taken out early is remembered (its id
 * and the number of its parts: a short entry) so that its later spans are drawn as its continuation.
 */
export class HeldTraces {
  // A Map iterates in insertion order: re-inserting a trace on each add keeps it least-recent-first.
  private readonly traces = new Map<string, HeldTrace>();
  private readonly partsDrawn = new Map<string, number>();
  private held = 0;
  private arrivals = 0;

  constructor(readonly maxSpans: number) {}

  /**
   * Holds a span (`now`: the clock's time, for `idleSince`); returns the ids of the traces to draw
   * now because the bound was passed, least recently added to first (the span's own trace last).
   */
  add(span: ReadableSpan, now: number): string[] {
    const id = span.spanContext().traceId;
    const entry = this.traces.get(id);
    if (entry) {
      this.traces.delete(id);
      entry.spans.push(span);
      entry.last = now;
      this.traces.set(id, entry);
    } else this.traces.set(id, { spans: [span], last: now, arrival: this.arrivals++ });
    this.held++;
    if (this.held <= this.maxSpans) return [];
    const early: string[] = [];
    let over = this.held - this.maxSpans;
    for (const [traceId, t] of this.traces) {
      early.push(traceId);
      over -= t.spans.length;
      if (over <= 0) break;
    }
    return early;
  }

  /** Ids of the traces none of whose spans arrived since `since`. */
  idleSince(since: number): string[] {
    const ids: string[] = [];
    for (const [id, t] of this.traces) if (t.last <= since) ids.push(id);
    return ids;
  }

  /** Ids of every trace held. */
  ids(): string[] {
    return [...this.traces.keys()];
  }

  /** Takes the traces out to be drawn; `early`: because of the bound (more of them may follow). */
  take(ids: readonly string[], early: boolean): DrawnPart {
    const part: DrawnPart = { spans: [], notes: new Map(), drawnEarly: 0, continuations: 0 };
    const taken: [string, HeldTrace][] = [];
    for (const id of ids) {
      const t = this.traces.get(id);
      if (t) taken.push([id, t]);
    }
    // In order of first arrival, as drawn before the bound: traces starting at the same time keep
    // the order they came in.
    taken.sort((a, b) => a[1].arrival - b[1].arrival);
    for (const [id, t] of taken) {
      this.traces.delete(id);
      this.held -= t.spans.length;
      for (const s of t.spans) part.spans.push(s);
      const before = this.partsDrawn.get(id) ?? 0;
      if (early) part.drawnEarly++;
      if (before > 0) part.continuations++;
      if (early || before > 0) {
        this.partsDrawn.set(id, before + 1);
        part.notes.set(
          id,
          `part ${before + 1}${before > 0 ? ', continued' : ''}${early ? ', drawn early' : ''}`,
        );
      }
    }
    return part;
  }
}
