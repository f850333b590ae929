import type { DropReason } from './normalize.js';
import type { ParentVia } from './records.js';

/** Spans not emitted because the service stopped before they were final (engine `interrupt`). */
export interface HeldAtShutdown {
  /** Event spans still in their window. */
  events: number;
  /** Roots of changes not yet due. */
  roots: number;
}

/**
 * Plain counters the engine bumps on its hot path; the operator publishes their increments to the
 * metrics registry on each tick and at the end (a label lookup per event would cost more than the
 * event's own work).
 */
export class Stats {
  objects = 0;
  newEvents = 0;
  occurrences = 0;
  followOns = 0;
  duplicates = 0;
  eventsDeleted = 0;
  traces = 0;
  dropped: Record<string, number> = {};
  parents: Record<ParentVia, number> = {
    named: 0,
    owner: 0,
    root: 0,
    traceparent: 0,
    none: 0,
    repeat: 0,
  };
  spans = { event: 0, root: 0, follow_on: 0 };
  /** `held`: a span that would have waited for its end, let out at once (`max_pending_events`). */
  evicted = { pending: 0, events: 0, seen: 0, traces: 0, held: 0, specs: 0 };
  /** `held`: a span whose end did not come within `max_root_delay`: out with the extent known. */
  expired = { events: 0, seen: 0, traces: 0, held: 0 };
  heldAtShutdown: HeldAtShutdown = { events: 0, roots: 0 };
  drop(reason: DropReason, item: unknown): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
    this.onDrop?.(reason, item);
  }

  /** Set by the operator to log drops (rate-limited there). */
  onDrop: ((reason: DropReason, item: unknown) => void) | undefined;
}
