import type { Attributes } from '@opentelemetry/api';
import type { ChangeEnd } from './change-end.js';
import type { Ancestor } from './obj-record.js';
import type { Change, SpanRec } from './records.js';
import { kindKeys } from './span.js';

/**
 * A plain object (prototype `Object.prototype`, nothing of its own) with room for an event span's
 * ~20–30 attributes inside it. `{}` has room for 4: each further attribute went to a side array
 * that V8 regrows 3 slots at a time, ~440 bytes of garbage per span (6 copies for 22 attributes).
 * V8 sizes a constructor's objects by the properties its body assigns (the branch never runs; the
 * size is trimmed to what the first objects used), so the names below are never set.
 */
const AttributeObject = function (this: Record<string, unknown>, never?: true) {
  if (never) {
    this.a0 = this.a1 = this.a2 = this.a3 = this.a4 = this.a5 = this.a6 = this.a7 = 0;
    this.a8 = this.a9 = this.a10 = this.a11 = this.a12 = this.a13 = this.a14 = this.a15 = 0;
    this.a16 = this.a17 = this.a18 = this.a19 = this.a20 = this.a21 = this.a22 = this.a23 = 0;
    this.a24 = this.a25 = this.a26 = this.a27 = this.a28 = this.a29 = this.a30 = this.a31 = 0;
  }
} as unknown as { new (): Attributes; prototype: object };
AttributeObject.prototype = Object.prototype;

/**
 * Attributes of an event's span, after the OpenTelemetry Kubernetes conventions: the object and its
 * owners as `k8s.<kind>.name`/`.uid`, `k8s.namespace.name`, `k8s.container.name`, `k8s.node.name`;
 * the event's own fields as `k8s.event.*` (the message is `k8s.event.message`); the involved object
 * as `k8s.object.*` (as the Collector's k8s events receiver names it); kspan's causality as `kspan.*`.
 */
export function eventAttributes(s: SpanRec, chain: readonly Ancestor[]): Attributes {
  const e = s.entry.ev;
  const r = e.regarding;
  const a = new AttributeObject();
  if (r.namespace) a['k8s.namespace.name'] = r.namespace;
  // Owners first, so the object's own values win if a chain ever repeats a kind.
  for (let i = chain.length - 1; i >= 0; i--) {
    const o = chain[i]!;
    const k = kindKeys(o.kind);
    a[k.name] = o.name;
    if (o.uid) a[k.uid] = o.uid;
  }
  const k = kindKeys(r.kind);
  a[k.name] = r.name;
  if (r.uid) a[k.uid] = r.uid;
  if (e.container) a['k8s.container.name'] = e.container;
  if (e.component === 'kubelet' && e.instance && r.kind === 'Pod') a['k8s.node.name'] = e.instance;
  a['k8s.object.kind'] = r.kind;
  a['k8s.object.name'] = r.name;
  if (r.fieldPath) a['k8s.object.fieldpath'] = r.fieldPath;
  a['k8s.event.reason'] = e.reason;
  a['k8s.event.message'] = s.lastMessage;
  a['k8s.event.type'] = e.type;
  a['k8s.event.name'] = e.name;
  a['k8s.event.uid'] = e.uid;
  a['k8s.event.count'] = s.last().count;
  if (e.action) a['k8s.event.action'] = e.action;
  a['k8s.event.reporting_component'] = e.component;
  if (e.instance) a['k8s.event.reporting_instance'] = e.instance;
  if (e.related) {
    a['k8s.event.related.kind'] = e.related.kind;
    a['k8s.event.related.name'] = e.related.name;
    if (e.related.namespace) a['k8s.event.related.namespace'] = e.related.namespace;
  }
  const m = s.entry.match;
  if (m) {
    if (m.attributes) Object.assign(a, m.attributes);
    if (m.rule.source.name) a['kspan.rule'] = m.rule.source.name;
    if (m.child) {
      a['kspan.child.kind'] = m.child.kind;
      a['kspan.child.name'] = m.child.name;
    }
  }
  a['kspan.parent.via'] = s.via;
  return a;
}

/**
 * Attributes of a synthesised root span: the top object of the change, and how it ended. The one
 * place a root's attributes are assembled.
 */
export function rootAttributes(c: Change): Attributes {
  const t = c.top;
  const a: Attributes = {};
  if (t.namespace) a['k8s.namespace.name'] = t.namespace;
  const k = kindKeys(t.kind);
  a[k.name] = t.name;
  if (t.uid) a[k.uid] = t.uid;
  a['k8s.object.kind'] = t.kind;
  a['k8s.object.name'] = t.name;
  a['kspan.generation'] = t.generation;
  a['kspan.synthetic'] = true;
  if (t.manager) a['kspan.manager'] = t.manager;
  a['kspan.parent.via'] = c.remote ? 'traceparent' : 'none';
  return c.ending ? outcomeAttributes(a, c.ending) : a;
}

/**
 * Attributes of an event that took its change's root (an HPA's `SuccessfulRescale`, Flux's `Sync`,
 * a CronJob's `Created job`): the event's own; for a generation of a top object, what a synthesised
 * root says of it (the generation, its spec's writer, what changed: `extra`); then how it ended. A
 * run's root names the CronJob, so the Job's generation would read as the CronJob's: left out.
 */
export function eventRootAttributes(
  s: SpanRec,
  chain: readonly Ancestor[],
  c: Change,
  extra: Attributes | undefined,
): Attributes {
  const a = eventAttributes(s, chain);
  const t = c.top;
  if (!c.isRun && t.generation > 0) {
    a['kspan.generation'] = t.generation;
    if (t.manager) a['kspan.manager'] = t.manager;
  }
  if (extra) Object.assign(a, extra);
  return c.ending ? outcomeAttributes(a, c.ending) : a;
}

/** How a change ended (its top object's status): `kspan.change.*` on its root span. */
export function outcomeAttributes(a: Attributes, end: ChangeEnd): Attributes {
  a['kspan.change.outcome'] = end.outcome;
  if (end.reason) a['kspan.change.reason'] = end.reason;
  if (end.desired >= 0) a['kspan.change.replicas.desired'] = end.desired;
  if (end.ready >= 0) a['kspan.change.replicas.ready'] = end.ready;
  return a;
}
