import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { ResolvedOptions } from './config.js';
import type { ObjRecord } from './obj-record.js';
import { PodTimes } from './object-status.js';
import type { OwnerGraph } from './owner-graph.js';
import type { SpanRec } from './records.js';
import { lowerBound, type Timelines } from './timeline.js';
import { toHrTime } from './time.js';

/** The Pod conditions shown as span events on its creating span, in the order they happen. */
const POD_STEPS = [
  ['PodScheduled', 'scheduledSec'],
  ['Initialized', 'initializedSec'],
  ['ContainersReady', 'containersReadySec'],
  ['Ready', 'readySec'],
] as const;

// The steps of a span that has none (most): shared, never written (podStory makes its own list).
const NO_STEPS: TimedEvent[] = [];

/** A span's extent once what it stands for has really ended, and the steps seen on the way. */
export interface Story {
  start: number;
  end: number;
  events: TimedEvent[];
}

/**
 * Real durations below a change's root (issue 11), from object timestamps only — never from when
 * an item arrived — so a live run, a replay and a restarted process give the same spans:
 * - a Pod's creating span (`Created pod: x`) lasts until the Pod is Ready (its `Ready` condition's
 *   `lastTransitionTime`), or ran to completion (a Job's pod: `finishedAt`), or gone if neither;
 *   its status conditions are span events on it;
 * - a controller's deleting span (`Deleted pod: x`) lasts until the Pod is gone;
 * - `Pod.Pulling` lasts until the next event of the same container (`Pulled`, `Failed`), however
 *   long the pull took;
 * - `Pod.Scheduled` lasts from the Pod's creation to the binding (the event's own time).
 * Without status (metadata-only watches, old captures) spans keep their event extent.
 */
export class Durations {
  constructor(
    private readonly opts: ResolvedOptions,
    private readonly graph: OwnerGraph,
    private readonly timelines: Timelines,
  ) {}

  /**
   * What a released span still waits for before it can go out: the key of the object whose next
   * item (a status, an event) may end it; undefined when its end is known.
   */
  awaits(s: SpanRec): string | undefined {
    const e = s.entry;
    if (e.creates || e.deletes) {
      const pod = this.namedPod(s);
      const times = pod?.status;
      if (!pod || !(times instanceof PodTimes) || times.goneSec || pod.deleted) return undefined;
      return e.creates && (times.readySec || times.finishedSec) ? undefined : e.childKey;
    }
    if (this.isPull(s) && this.pulled(s) === undefined) return e.objKey;
    return undefined;
  }

  // One story, filled for each span in turn: read at once by its caller (span output).
  private readonly story: Story = { start: 0, end: 0, events: NO_STEPS };

  /**
   * The span's extent `[start, end]` (event times) made real by what the objects say. The result is
   * this object's one `Story`, valid until the next call.
   */
  extend(s: SpanRec, start: number, end: number): Story {
    const e = s.entry;
    const story = this.story;
    story.start = start;
    story.end = end;
    story.events = NO_STEPS;
    if (e.creates || e.deletes) {
      const pod = this.namedPod(s);
      if (pod?.status instanceof PodTimes) this.podStory(s, pod.status, story);
    } else if (this.isPull(s)) {
      const pulled = this.pulled(s);
      if (pulled !== undefined && pulled > story.end) story.end = pulled;
    } else if (e.ev.reason === 'Scheduled' && e.ev.regarding.kind === 'Pod') {
      const pod = this.graph.lookup(e.ev.regarding.uid, e.objKey);
      const created = pod?.createdSec ? pod.createdSec * 1e6 : NaN;
      // A creation much older than the binding is another pod's of the same name: not this one.
      if (created < story.start && story.start - created <= this.opts.maxRootDelayUs) {
        story.start = created;
        // From the creation to the binding (the event's own time), not to the Pod's next event.
        story.end = s.last().t;
      }
    }
    return story;
  }

  private podStory(s: SpanRec, times: PodTimes, story: Story): void {
    const creates = s.entry.creates;
    if (creates && times.readySec) story.end = this.readyAt(s, times.readySec, story.start);
    else {
      // A pod that ran to completion without being Ready (a Job's), else one gone before it was.
      const until = (creates && times.finishedSec) || times.goneSec;
      if (until && until * 1e6 > story.end) story.end = until * 1e6;
    }
    if (!creates) return;
    if (story.events === NO_STEPS) story.events = [];
    for (const [name, field] of POD_STEPS) {
      const sec = times[field];
      if (!sec) continue;
      // Conditions have whole seconds: a step of the span's first second shows at its start.
      const t = Math.min(Math.max(sec * 1e6, story.start), story.end);
      story.events.push({ name, time: toHrTime(t), attributes: { 'k8s.pod.condition': name } });
    }
  }

  /**
   * When the Pod became Ready (µs). The condition has whole seconds: within that second, the
   * latest of the Pod's own events (its container `Started`) is the best bound known; never the
   * creating object's next event (the event-time extent without status).
   */
  private readyAt(s: SpanRec, readySec: number, start: number): number {
    const ready = readySec * 1e6;
    let end = Math.max(ready, start);
    const list = this.timelines.get(s.entry.childKey)?.about;
    if (!list) return end;
    for (let i = lowerBound(list, end); i < list.length && list[i]!.t < ready + 1e6; i++)
      end = list[i]!.t;
    return end;
  }

  /** The Pod a creating or deleting span names, if that Pod is the one it made (not a successor). */
  private namedPod(s: SpanRec): ObjRecord | undefined {
    const e = s.entry;
    if (e.match?.child?.kind !== 'Pod') return undefined;
    const pod = this.graph.byKeyOnly(e.childKey);
    if (!pod) return undefined;
    // A StatefulSet's pod re-created under the same name later is not this span's: not the one it
    // created, nor the one it deleted (created no earlier than the deletion's second).
    if (e.creates && pod.createdSec && pod.createdSec * 1e6 > s.last().t + this.opts.windowUs)
      return undefined;
    if (e.deletes && pod.succeeds && pod.createdSec >= Math.floor(s.first().t / 1e6))
      return undefined;
    return pod;
  }

  private isPull(s: SpanRec): boolean {
    const ev = s.entry.ev;
    return ev.reason === 'Pulling' && ev.regarding.kind === 'Pod' && ev.container !== '';
  }

  /** When the pull ended: the next event of the same container after `Pulling` (µs). */
  private pulled(s: SpanRec): number | undefined {
    const list = this.timelines.get(s.entry.objKey)?.about;
    if (!list) return undefined;
    const last = s.last().t;
    const container = s.entry.ev.container;
    for (let i = lowerBound(list, last); i < list.length; i++) {
      const m = list[i]!;
      if (m.span.entry === s.entry || m.span.entry.container !== container) continue;
      return m.t;
    }
    return undefined;
  }
}
