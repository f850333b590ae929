// Checks expected.json relations on the spans kspan made from a recording (replayed here, or
// exported live by the e2e suite): spans are reduced to a SpanView either way.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Relation, SpanRef } from './expected.js';

export const AGGREGATED_PREFIX = '(combined from similar events): ';

/** A message without client-go's aggregation prefix. */
export const bareMessage = (m: string) =>
  m.startsWith(AGGREGATED_PREFIX) ? m.slice(AGGREGATED_PREFIX.length) : m;

export interface Verdict {
  holds: boolean;
  /** What was found, for failure messages. */
  detail: string;
}

/** What a relation looks at in a span. */
export interface SpanView {
  spanId: string;
  parentSpanId: string | undefined;
  traceId: string;
  name: string;
  service: string;
  /** `k8s.event.name`, `k8s.event.message` (absent on a synthesised root). */
  event: string | undefined;
  message: string | undefined;
  /** The occurrence counts it carries: its `occurrence` span events, else its own count. */
  counts: number[];
}

export function viewOf(s: ReadableSpan): SpanView {
  const occ = s.events.filter((e) => e.name === 'occurrence');
  const a = s.attributes;
  return {
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    traceId: s.spanContext().traceId,
    name: s.name,
    service: String(s.resource.attributes['service.name'] ?? ''),
    event: a['k8s.event.name'] === undefined ? undefined : String(a['k8s.event.name']),
    message: a['k8s.event.message'] === undefined ? undefined : String(a['k8s.event.message']),
    counts: occ.length
      ? occ.map((e) => Number(e.attributes?.['k8s.event.count']))
      : [Number(a['k8s.event.count'])],
  };
}

export function describeSpan(s: SpanView | undefined): string {
  if (!s) return '(none)';
  const msg = s.message === undefined ? '' : ` "${s.message}"`;
  return `${s.service} ${s.name}${msg} [${s.event ?? 'root'} count ${s.counts.join(',')}]`;
}

export const describeRef = (r: SpanRef) =>
  `${r.event}${r.message === undefined ? '' : ` "${r.message}"`}${r.count === undefined ? '' : ` #${r.count}`}`;

/** The spans of one replay, indexed for relation checks. */
export class SpanIndex {
  private readonly byId = new Map<string, SpanView>();
  private readonly byEvent = new Map<string, SpanView[]>();

  constructor(readonly spans: readonly SpanView[]) {
    for (const s of spans) {
      this.byId.set(s.spanId, s);
      if (s.event === undefined) continue;
      const list = this.byEvent.get(s.event) ?? [];
      list.push(s);
      this.byEvent.set(s.event, list);
    }
  }

  /** The span a reference names, or why none (or no single one) matches. */
  find(ref: SpanRef): SpanView | string {
    let found = this.byEvent.get(ref.event) ?? [];
    if (!found.length) return `no span of event ${ref.event}`;
    if (ref.message !== undefined) {
      const want = bareMessage(ref.message);
      found = found.filter((s) => bareMessage(s.message ?? '') === want);
      if (!found.length) return `no span of event ${ref.event} has message "${ref.message}"`;
    }
    if (ref.count !== undefined) {
      found = found.filter((s) => s.counts.includes(ref.count!));
      if (!found.length) return `no span of event ${ref.event} holds occurrence ${ref.count}`;
    }
    if (found.length > 1)
      return `${found.length} spans match ${describeRef(ref)}: ${found.map(describeSpan).join('; ')}`;
    return found[0]!;
  }

  parentOf(s: SpanView): SpanView | undefined {
    return s.parentSpanId ? this.byId.get(s.parentSpanId) : undefined;
  }

  /** The root of a span's trace as far as it is in the replay: up the parents. */
  rootOf(s: SpanView): SpanView {
    let at = s;
    for (let p = this.parentOf(at); p; p = this.parentOf(at)) at = p;
    return at;
  }
}

/** Whether a relation holds on the replay's spans, with what was seen. */
export function evaluate(rel: Relation, index: SpanIndex): Verdict {
  const span = index.find(rel.span);
  if (typeof span === 'string') return { holds: false, detail: span };
  const parent = index.parentOf(span);
  const seen = `span ${describeSpan(span)} has parent ${describeSpan(parent)}`;
  if (rel.rootService !== undefined) {
    const root = index.rootOf(span);
    return {
      holds: root.service === rel.rootService,
      detail: `${seen}; its trace's root is ${describeSpan(root)}`,
    };
  }
  const otherRef = (rel.parent ??
    rel.notParent ??
    rel.sameTrace ??
    rel.otherTrace ??
    rel.notSiblingOf)!;
  const other = index.find(otherRef);
  if (typeof other === 'string') return { holds: false, detail: `${seen}; ${other}` };
  const sameSpan = parent !== undefined && parent === other;
  const sameTrace = span.traceId === other.traceId;
  const detail = `${seen}; other: ${describeSpan(other)}${sameTrace ? ', same trace' : ', another trace'}`;
  if (rel.parent) return { holds: sameSpan, detail };
  if (rel.notParent) return { holds: !sameSpan, detail };
  if (rel.sameTrace) return { holds: sameTrace, detail };
  if (rel.notSiblingOf) {
    const theirs = index.parentOf(other);
    return {
      holds: parent === undefined || parent !== theirs,
      detail: `${detail}; its parent: ${describeSpan(theirs)}`,
    };
  }
  return { holds: !sameTrace, detail };
}
