import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  type SpanStatus,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ClusterIdentity } from '@kspan/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { toHrTime } from './time.js';

export const SCOPE: InstrumentationScope = { name: '@kspan/processor-causality', version: '0.1.0' };

/** The fields a finished span is made of (times in µs). */
export interface SpanFields {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  parentRemote: boolean;
  traceFlags: number;
  startUs: number;
  endUs: number;
  error: string | undefined;
  attributes: Attributes;
  links: Link[];
  events: TimedEvent[];
  resource: Resource;
}

const OK_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/**
 * A finished span in the @opentelemetry/sdk-trace-base `ReadableSpan` shape, so the official
 * exporters take it unchanged. A class rather than a literal: `spanContext` is one shared method.
 */
export class EventSpan implements ReadableSpan {
  readonly name: string;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly resource: Resource;
  private readonly context: SpanContext;
  /** µs; NaN for an instant. `duration` is made when asked (exporters other than Zipkin never do). */
  private readonly lengthUs: number;

  constructor(f: SpanFields) {
    this.name = f.name;
    this.context = {
      traceId: f.traceId,
      spanId: f.spanId,
      traceFlags: f.traceFlags,
      isRemote: false,
    };
    this.parentSpanContext = f.parentSpanId
      ? {
          traceId: f.traceId,
          spanId: f.parentSpanId,
          traceFlags: f.traceFlags,
          isRemote: f.parentRemote,
        }
      : undefined;
    const end = Math.max(f.endUs, f.startUs);
    this.startTime = toHrTime(f.startUs);
    if (end > f.startUs) {
      this.endTime = toHrTime(end);
      this.lengthUs = end - f.startUs;
    } else {
      // An instant lasts 1 ns: backends "sanitize" a zero duration on ingest (Jaeger rewrites the
      // end and adds a warning), which makes two copies of the same span differ, so a span
      // re-emitted after a restart would be stored twice.
      this.endTime = [this.startTime[0], this.startTime[1] + 1];
      this.lengthUs = NaN;
    }
    this.status =
      f.error === undefined ? OK_STATUS : { code: SpanStatusCode.ERROR, message: f.error };
    this.attributes = f.attributes;
    this.links = f.links;
    this.events = f.events;
    this.resource = f.resource;
  }

  // The same for every span: on the prototype, not 6 fields in each span.
  get kind(): SpanKind {
    return SpanKind.INTERNAL;
  }
  get ended(): boolean {
    return true;
  }
  get instrumentationScope(): InstrumentationScope {
    return SCOPE;
  }
  get droppedAttributesCount(): number {
    return 0;
  }
  get droppedEventsCount(): number {
    return 0;
  }
  get droppedLinksCount(): number {
    return 0;
  }

  get duration(): HrTime {
    return Number.isNaN(this.lengthUs) ? [0, 1] : toHrTime(this.lengthUs);
  }

  spanContext(): SpanContext {
    return this.context;
  }
}

/** One resource per service name and cluster, shared by every span of that service there. */
export class Resources {
  /** Per cluster (`\n<name>\n<uid>`, '' for none), per service name. */
  private readonly byCluster = new Map<string, Map<string, Resource>>();
  // The cluster of the last span and its resources: a live receiver's items share one cluster
  // object, so most spans find theirs without making a key.
  private lastCluster: ClusterIdentity | undefined = undefined;
  private lastNames: Map<string, Resource>;

  constructor(private readonly fixedName: string | undefined) {
    this.lastNames = new Map();
    this.byCluster.set('', this.lastNames);
  }

  for(component: string, cluster?: ClusterIdentity): Resource {
    const name = this.fixedName ?? component;
    const last = this.lastCluster;
    const same =
      cluster === last ||
      (cluster !== undefined &&
        last !== undefined &&
        cluster.name === last.name &&
        cluster.uid === last.uid);
    let names = this.lastNames;
    if (!same) {
      const key = cluster ? `\n${cluster.name ?? ''}\n${cluster.uid ?? ''}` : '';
      let found = this.byCluster.get(key);
      if (!found) this.byCluster.set(key, (found = new Map()));
      this.lastCluster = cluster;
      this.lastNames = names = found;
    }
    let r = names.get(name);
    if (!r) {
      const attrs: Attributes = { 'service.name': name };
      if (cluster?.name) attrs['k8s.cluster.name'] = cluster.name;
      if (cluster?.uid) attrs['k8s.cluster.uid'] = cluster.uid;
      r = resourceFromAttributes(attrs);
      names.set(name, r);
    }
    return r;
  }
}

/**
 * An event span's name, `<kind>.<reason>`, made once per pair: kinds and reasons are interned, so
 * this is two lookups, where a template literal made a new string for every span.
 */
export class SpanNames {
  private readonly byKind = new Map<string, Map<string, string>>();
  private size = 0;

  of(kind: string, reason: string): string {
    const name = this.byKind.get(kind)?.get(reason);
    if (name !== undefined) return name;
    const made = `${kind}.${reason}`;
    // Bounded like the interner: past the cap, names are made per span again.
    if (this.size < 10_000) {
      let byReason = this.byKind.get(kind);
      if (byReason === undefined) this.byKind.set(kind, (byReason = new Map()));
      byReason.set(reason, made);
      this.size++;
    }
    return made;
  }
}

const KIND_ATTR: Record<string, string> = { HorizontalPodAutoscaler: 'hpa' };

/** Attribute names for one kind, built once: `k8s.pod.name`, `k8s.pod.uid` (`k8s.hpa.*` for HPAs). */
export interface KindKeys {
  name: string;
  uid: string;
}
const kindKeysCache = new Map<string, KindKeys>();

/** Attribute names after the OpenTelemetry Kubernetes conventions, per kind. */
export function kindKeys(kind: string): KindKeys {
  let k = kindKeysCache.get(kind);
  if (k === undefined) {
    const p = `k8s.${KIND_ATTR[kind] ?? kind.toLowerCase()}`;
    k = { name: `${p}.name`, uid: `${p}.uid` };
    if (kindKeysCache.size < 10_000) kindKeysCache.set(kind, k);
  }
  return k;
}

export const SAMPLED = TraceFlags.SAMPLED;
