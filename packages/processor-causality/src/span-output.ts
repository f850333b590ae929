import type { Link } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import { eventAttributes, eventRootAttributes, rootAttributes } from './attributes.js';
import type { ChangeEnd } from './change-end.js';
import { Durations } from './durations.js';
import { changeTraceId, rootSpanId } from './ids.js';
import { TopStatus } from './object-status.js';
import type { ResolvedOptions } from './config.js';
import { eventSpanId } from './ids.js';
import { objKey } from './normalize.js';
import type { OwnerGraph } from './owner-graph.js';
import { State, type Change, type SpanRec } from './records.js';
import { EventSpan, Resources, SAMPLED, SpanNames, type SpanFields } from './span.js';
import type { RootExtras } from './spec-history.js';
import type { Stats } from './stats.js';
import { lowerBound, type Timelines } from './timeline.js';
import { toHrTime } from './time.js';

// Shared by every span without links or span events (most): exporters only read them.
const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];

/**
 * Span output: turns a resolved event span, or a change's synthesised root, into a finished
 * `EventSpan` — its extent (by event time only), links and span events — and hands it to `emit`.
 */
export class SpanOutput {
  private readonly resources: Resources;
  private readonly names = new SpanNames();
  /** Real durations from object times (issue 11): also asked by the engine what a span waits for. */
  readonly durations: Durations;
  private readonly hasEvidence = (key: string) => this.timelines.has(key);
  /** An event span's fields, filled for each in turn (`EventSpan` copies them): no object per span. */
  private readonly fields: SpanFields = {
    name: '',
    traceId: '',
    spanId: '',
    parentSpanId: '',
    parentRemote: false,
    traceFlags: 0,
    startUs: 0,
    endUs: 0,
    error: undefined,
    attributes: {},
    links: NO_LINKS,
    events: NO_EVENTS,
    resource: undefined as unknown as Resource, // set before each use
  };
  /** What a synthesised root adds about its change (what changed in spec: spec-history.ts). */
  rootExtras: (c: Change, startUs: number) => RootExtras | undefined = () => undefined;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly graph: OwnerGraph,
    private readonly timelines: Timelines,
    private readonly stats: Stats,
    private readonly emit: (span: EventSpan) => void,
  ) {
    this.resources = new Resources(opts.serviceName);
    this.durations = new Durations(opts, graph, timelines);
  }

  /** Emits an event's span (once). */
  export(s: SpanRec): void {
    if (s.state === State.Exported) return;
    const entry = s.entry;
    const e = entry.ev;
    const lastMessage = s.lastMessage;
    this.extent(s);
    const from = this.lo;
    const to = this.hi;
    const story = this.durations.extend(s, from, s.heldEnd > to ? s.heldEnd : to);
    let { start, end } = story;
    const c = s.change;
    if (s.isRoot && c) {
      start = Math.min(start, c.minStart);
      end = Math.max(end, c.maxEnd);
      if (c.ending && c.ending.endUs > end) end = c.ending.endUs;
    }
    // A child never starts before its parent (the parent's start is its first occurrence, known
    // whether or not it is out yet, so this does not depend on arrival).
    const parentStart = s.parent
      ? s.parent.state === State.Exported
        ? s.parent.startUs
        : s.parent.first().t
      : c && !s.isRoot && c.rootEmitted
        ? c.rootStartUs
        : NaN;
    if (!Number.isNaN(parentStart) && start < parentStart) start = parentStart;
    if (end < start) end = start;
    // A descendant that lasts longer (a pod Ready later) extends the change it belongs to.
    if (c && !s.isRoot && end > c.maxEnd) c.maxEnd = end;

    s.startUs = start;
    s.state = State.Exported;
    if (s.isRoot && c) {
      c.rootEmitted = true;
      c.rootStartUs = start;
    }

    const links: Link[] = s.prev || entry.ev.related ? [] : NO_LINKS;
    if (s.prev)
      links.push({
        context: { traceId: s.prev.traceId, spanId: s.prev.spanId, traceFlags: s.prev.traceFlags },
        attributes: { 'kspan.link': 'previous_occurrences' },
      });
    const related = this.relatedLink(s);
    if (related) links.push(related);

    let events: TimedEvent[] =
      s.occCount > 1 || s.prev
        ? s.occ.map((o, i) => ({
            name: 'occurrence',
            time: toHrTime(o.t),
            attributes:
              s.messageOf(i) !== lastMessage
                ? { 'k8s.event.count': o.count, 'k8s.event.message': s.messageOf(i) }
                : { 'k8s.event.count': o.count },
          }))
        : NO_EVENTS;
    if (story.events.length) events = [...events, ...story.events];
    // An event that took its change's root says what changed, as a synthesised root would.
    const extras = s.isRoot && c ? this.rootExtras(c, start) : undefined;
    if (extras?.events.length) events = [...events, ...extras.events];

    const chain =
      s.chain ??
      this.graph.chain(
        e.regarding.kind,
        e.regarding.namespace,
        e.regarding.name,
        e.regarding.uid,
        this.hasEvidence,
      );
    s.chain = undefined;
    // Filled in field order (as the literal it replaces was evaluated) and copied by the constructor.
    const f = this.fields;
    f.name = this.names.of(e.regarding.kind, e.reason);
    f.traceId = s.traceId;
    f.spanId = s.spanId(eventSpanId);
    f.parentSpanId = s.parentSpanId;
    f.parentRemote = s.parentRemote;
    f.traceFlags = s.traceFlags;
    f.startUs = start;
    f.endUs = end;
    f.error =
      e.type === 'Warning' ? lastMessage || e.reason : s.isRoot ? failure(c?.ending) : undefined;
    f.attributes =
      s.isRoot && c
        ? eventRootAttributes(s, chain, c, extras?.attributes)
        : eventAttributes(s, chain);
    f.links = links;
    f.events = events;
    f.resource = this.resources.for(e.component, e.cluster);
    this.emit(new EventSpan(f));
    if (s.prev) this.stats.spans.follow_on++;
    else this.stats.spans.event++;
    s.shrink();
  }

  /**
   * Emits a change's synthesised root; `now` (the pipeline's time) starts it if nothing attached.
   * It starts at the spec write and ends when the top object's status says the change ended
   * (`c.ending`, change-end.ts); without status it is the spec write itself, an instant.
   */
  emitRoot(c: Change, now: number): void {
    const top = c.top;
    let start = Number.isFinite(c.minStart) ? c.minStart : now;
    // The spec write is the change's real start, when it is recent enough to be this change's.
    if (
      !Number.isNaN(top.specTime) &&
      top.specTime <= start &&
      start - top.specTime <= this.opts.maxRootDelayUs
    )
      start = top.specTime;
    const ending = c.ending;
    // Without status, the root is the spec write itself, an instant: its end does not depend on
    // how much of the change this process saw (a process stopped half-way through a rollout and
    // the one started after it emit the same root). With status, the status's own time; where the
    // status has none (StatefulSet, DaemonSet) or one older than the change (nothing had to move),
    // the end of its last descendant.
    let end = start;
    if (ending) end = endOfChange(ending.endUs, start, c.maxEnd);
    c.rootEmitted = true;
    c.rootStartUs = start;
    const extras = this.rootExtras(c, start);
    this.emit(
      new EventSpan({
        name: `${top.kind}.${top.operation || 'Change'}`,
        traceId: c.traceId,
        spanId: c.rootSpanId,
        parentSpanId: c.remote?.spanId ?? '',
        parentRemote: c.remote !== undefined,
        traceFlags: c.remote?.traceFlags ?? SAMPLED,
        startUs: start,
        endUs: end,
        error: failure(ending),
        attributes: extras ? { ...rootAttributes(c), ...extras.attributes } : rootAttributes(c),
        links: this.supersededLink(c),
        events: extras
          ? [...this.rootEvents(c, start, end), ...extras.events]
          : this.rootEvents(c, start, end),
        resource: this.resources.for(rootService(c), c.cluster),
      }),
    );
    this.stats.spans.root++;
  }

  /** A superseded change links to the root of the change that superseded it. */
  private supersededLink(c: Change): Link[] {
    const next = c.ending?.nextGeneration;
    if (!next) return NO_LINKS;
    const key = `${c.top.uid || objKey(c.top.kind, c.top.namespace, c.top.name)}/${next}`;
    return [
      {
        context: {
          traceId: changeTraceId(key, c.cluster?.uid),
          spanId: rootSpanId(key),
          traceFlags: SAMPLED,
        },
        attributes: { 'kspan.link': 'superseded_by' },
      },
    ];
  }

  /** Status conditions without an event, as span events on the root (Deployment `Available`). */
  private rootEvents(c: Change, start: number, end: number): TimedEvent[] {
    const top = this.graph.lookup(c.top.uid, objKey(c.top.kind, c.top.namespace, c.top.name));
    const st = top?.status;
    if (!(st instanceof TopStatus) || !st.availableSec) return NO_EVENTS;
    const t = st.availableSec * 1e6;
    if (t < start || t > end) return NO_EVENTS;
    return [{ name: 'Available', time: toHrTime(t), attributes: { 'k8s.condition': 'Available' } }];
  }

  /** The end a span's events give it now (a held span keeps it: its timelines may be swept). */
  eventEnd(s: SpanRec): number {
    this.extent(s);
    return this.hi;
  }

  // What `extent` and `childExtent` found (µs): fields, not a returned pair, since they run for
  // every span.
  private lo = 0;
  private hi = 0;

  /**
   * A span's extent, by event time only (never by what happened to arrive when), so that a live run,
   * a replay and a restarted process that re-lists the same events all give the same span: from its
   * first occurrence to the latest of its last occurrence, the next event on the same object, and
   * the events on the object it named — each within `window` of its last occurrence, in event time.
   * Left in `lo`, `hi`.
   */
  private extent(s: SpanRec): void {
    let start = s.first().t;
    let end = s.last().t;
    const next = this.nextAbout(s);
    if (next !== undefined && next > end) end = next;
    if (s.entry.childKey) {
      this.childExtent(s);
      if (this.lo < start) start = this.lo;
      if (this.hi > end) end = this.hi;
    }
    this.lo = start;
    this.hi = end;
  }

  /** Start of the next event on the same object after this span's last occurrence (event time within `window`). */
  private nextAbout(s: SpanRec): number | undefined {
    const list = this.timelines.get(s.entry.objKey)?.about;
    if (!list) return undefined;
    const last = s.last();
    const container = s.entry.ev.container;
    // Event time, not arrival: a restarted process sees the same events in one burst.
    const horizon = last.t + this.opts.windowUs;
    for (let i = lowerBound(list, last.t); i < list.length; i++) {
      const m = list[i]!;
      if (m.t > horizon) break;
      if (m.span.entry === s.entry) continue;
      const other = m.span.entry;
      // Same time: the event created first (an Event's name ends in its creation time) comes first.
      if (m.t === last.t && other.createdBefore(s.entry)) continue;
      // Container events follow their container; pod-level events are followed by any.
      if (container && other.container !== container) continue;
      return m.t;
    }
    return undefined;
  }

  /** Extent (`lo`, `hi`) of the events already here on the object this span named, until it is named again. */
  private childExtent(s: SpanRec): void {
    const tl = this.timelines.get(s.entry.childKey);
    let lo = Infinity;
    let hi = -Infinity;
    this.lo = lo;
    this.hi = hi;
    if (!tl) return;
    const from = s.first().t;
    const last = s.last().t;
    const horizon = last + this.opts.windowUs;
    let until = Infinity;
    for (let i = lowerBound(tl.named, last); i < tl.named.length; i++) {
      const m = tl.named[i]!;
      if (m.t > last && m.span.entry !== s.entry) {
        until = m.t;
        break;
      }
    }
    for (let i = lowerBound(tl.about, from); i < tl.about.length; i++) {
      const m = tl.about[i]!;
      if (m.t >= until || m.t > horizon) break;
      if (m.t < lo) lo = m.t;
      if (m.t > hi) hi = m.t;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** A link to the latest span about the event's `related` object (e.g. a preemptor), if one is known. */
  private relatedLink(s: SpanRec): Link | undefined {
    const rel = s.entry.ev.related;
    if (!rel) return undefined;
    const list = this.timelines.get(objKey(rel.kind, rel.namespace, rel.name))?.about;
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const p = list[i]!.span;
      if (p.state !== State.Exported) continue;
      return {
        context: { traceId: p.traceId, spanId: p.spanId(eventSpanId), traceFlags: p.traceFlags },
        attributes: { 'kspan.link': 'related' },
      };
    }
    return undefined;
  }
}

/**
 * Where a root with a status ends: the status's time (whole seconds: within that second, its last
 * descendant's end if that is later); without a status time, or with one older than the change
 * (a scale-down: nothing had to progress, the condition was not touched), its last descendant.
 */
function endOfChange(statusUs: number, start: number, lastDescendant: number): number {
  if (!(statusUs >= start)) return Math.max(start, lastDescendant);
  return lastDescendant > statusUs && lastDescendant < statusUs + 1e6 ? lastDescendant : statusUs;
}

/** A failed change's status message: the reason and what the status said. */
function failure(end: ChangeEnd | undefined): string | undefined {
  if (end?.outcome !== 'failed') return undefined;
  return end.message ? `${end.reason}: ${end.message}` : end.reason;
}

/**
 * The service of a synthesised root: the spec's writer; else — never `unknown` — the component of
 * the change's earliest event (a Node's `RegisteredNode` → `node-controller`), or for a deletion
 * nobody's event records, the API server that recorded it.
 */
function rootService(c: Change): string {
  if (c.top.manager) return c.top.manager;
  if (c.top.operation === 'Delete') return 'kube-apiserver';
  return c.component || 'kube-apiserver';
}
