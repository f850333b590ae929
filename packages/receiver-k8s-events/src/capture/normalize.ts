import {
  eventTime,
  isRecord,
  isRfc3339Time,
  parseRfc3339,
  type ClusterIdentity,
  type KubeObject,
  type WatchEvent,
  type WatchEventType,
} from '@kspan/core';

const WATCH_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/** Milliseconds since the epoch of an RFC 3339 time (core's parser), or undefined when it is not one. */
export function parseTime(value: unknown): number | undefined {
  const t = parseRfc3339(value);
  return t ? Math.floor(t.us / 1000) : undefined;
}

/** What one JSON value of a capture or list decodes into. */
export interface Decoded {
  events: WatchEvent[];
  problems: string[];
}

/**
 * Turns one parsed JSON value into watch events:
 * - a watch event `{type, object, observedAt?}` (capture line, `--output-watch-events`);
 * - a List (`kind: List` / `EventList` / `...List` with `items`): each item ADDED (items of a typed
 *   list get their `kind`/`apiVersion` from the list);
 * - a bare Kubernetes object (`kind` + `metadata`): ADDED (`kubectl get -o json --watch`);
 * - a JSON array of any of these.
 * `BOOKMARK` watch events are skipped without a problem; anything else is a problem, with a reason.
 */
export function decodeValue(value: unknown): Decoded {
  const out: Decoded = { events: [], problems: [] };
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const d = decodeValue(v);
      out.events.push(...d.events);
      out.problems.push(...d.problems.map((p) => `[${i}]: ${p}`));
    });
    return out;
  }
  if (!isRecord(value)) {
    out.problems.push(`expected a JSON object, got ${value === null ? 'null' : typeof value}`);
    return out;
  }
  if (isWatchEvent(value)) {
    const ev = watchEventOf(value);
    if (typeof ev === 'string') out.problems.push(ev);
    else if (ev !== undefined) out.events.push(ev);
    return out;
  }
  const kind = typeof value.kind === 'string' ? value.kind : undefined;
  if (Array.isArray(value.items) && (kind === undefined || kind.endsWith('List'))) {
    const itemKind = kind && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
    value.items.forEach((item: unknown, i: number) => {
      if (!isRecord(item)) {
        out.problems.push(`items[${i}]: expected a JSON object`);
        return;
      }
      const object: KubeObject = { ...item };
      if (object.kind === undefined && itemKind) object.kind = itemKind;
      if (object.apiVersion === undefined && itemKind && apiVersion) object.apiVersion = apiVersion;
      if (typeof object.kind !== 'string' || !isRecord(object.metadata)) {
        out.problems.push(`items[${i}]: not a Kubernetes object (kind, metadata)`);
        return;
      }
      out.events.push({ type: 'ADDED', object });
    });
    return out;
  }
  if (kind !== undefined && isRecord(value.metadata)) {
    out.events.push({ type: 'ADDED', object: value as KubeObject });
    return out;
  }
  out.problems.push(
    'neither a watch event {type, object}, a Kubernetes object {kind, metadata} nor a List',
  );
  return out;
}

/** Whether a parsed JSON object has the shape of a watch event (`type` and `object` keys). */
export function isWatchEvent(value: Record<string, unknown>): boolean {
  return 'type' in value && 'object' in value;
}

/**
 * A watch event `{type, object, observedAt?, cluster?}` checked: the event, `undefined` for a
 * `BOOKMARK` (skipped without a problem), or the problem with it. Every capture line takes this
 * path, so it allocates nothing but the event.
 */
export function watchEventOf(value: Record<string, unknown>): WatchEvent | string | undefined {
  const { type, object, observedAt, cluster } = value;
  if (type === 'BOOKMARK') return undefined;
  if (type === 'ERROR') {
    const msg = isRecord(object) && typeof object.message === 'string' ? object.message : '';
    return `watch ERROR event${msg ? `: ${msg}` : ''}`;
  }
  if (typeof type !== 'string' || !WATCH_TYPES.has(type)) {
    return `unknown watch event type ${JSON.stringify(type)}`;
  }
  if (!isRecord(object)) return '"object" is not a JSON object';
  // Shape only: the time itself is read where it is used (real-time pacing, the processor).
  if (observedAt !== undefined && !isRfc3339Time(observedAt)) {
    return `"observedAt" ${JSON.stringify(observedAt)} is not an RFC 3339 time`;
  }
  const identity = clusterOf(cluster);
  if (typeof identity === 'string') return identity;
  const ev: WatchEvent = { type: type as WatchEventType, object: object as KubeObject };
  if (observedAt !== undefined) ev.observedAt = observedAt;
  if (identity !== undefined) ev.cluster = identity;
  return ev;
}

/** A capture line's `cluster` (`{name?, uid?}`, non-empty strings), or a problem. */
function clusterOf(value: unknown): ClusterIdentity | undefined | string {
  if (value === undefined) return undefined;
  const bad = `"cluster" ${JSON.stringify(value)} is not {"name"?: string, "uid"?: string}`;
  if (!isRecord(value)) return bad;
  const identity: ClusterIdentity = {};
  for (const [k, v] of Object.entries(value)) {
    if ((k !== 'name' && k !== 'uid') || typeof v !== 'string' || v === '') return bad;
    identity[k] = v;
  }
  return identity.name === undefined && identity.uid === undefined ? undefined : identity;
}

/**
 * The time of an Event object itself (ms), by core's one rule (`eventTime`), the same the causality
 * processor gives its span. Undefined for other kinds and for an Event whose time is absent or bad.
 */
export function eventTimeOf(object: KubeObject): number | undefined {
  if (object.kind !== 'Event') return undefined;
  const t = eventTime(object);
  return t ? Math.floor(t.us / 1000) : undefined;
}

/** When a watch event happened for replay timing: `observedAt`, else the Event's own time. */
export function observedTimeOf(ev: WatchEvent): number | undefined {
  return parseTime(ev.observedAt) ?? eventTimeOf(ev.object);
}
