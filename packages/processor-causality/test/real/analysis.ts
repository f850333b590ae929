// Reads a recording into what ground truth is derived from: each Event occurrence with its
// sub-second time (from the Event's name), each pod incarnation (by uid), and each owner object's
// versions (generation, spec writers from managedFields). Nothing here comes from kspan's output.
import type { WatchEvent } from '@kspan/core';
import { AGGREGATED_PREFIX, bareMessage } from './relations.js';

type Rec = Record<string, any>;

/** One occurrence of an Event: a (uid, count) the recording shows, with the message it carried. */
export interface Occ {
  name: string;
  uid: string;
  count: number;
  message: string;
  /** The message behind client-go's aggregation prefix. */
  bare: string;
  aggregated: boolean;
  reason: string;
  type: string;
  kind: string;
  objName: string;
  objUid: string;
  component: string;
  /** Whole second of the occurrence (lastTimestamp / eventTime / series), Unix s. */
  second: number;
  /**
   * Sub-second order (Unix ns). The first occurrence: the hex suffix of the Event's name (client-go
   * names an Event `<object>.<creation time in Unix ns, hex>`); a later one: when it was observed.
   */
  at: bigint;
  observedAt: string;
}

/** One object (a pod, a ReplicaSet…) by uid, with the versions the watch delivered. */
export interface ObjectHistory {
  kind: string;
  name: string;
  uid: string;
  created: string;
  owner: { kind: string; name: string } | undefined;
  deleted: boolean;
  versions: Array<{
    type: string;
    generation: number | undefined;
    specWriters: string[];
    meta: Rec;
  }>;
}

const nsOf = (iso: string | undefined) =>
  iso ? BigInt(Date.parse(iso)) * 1_000_000n + BigInt(subMs(iso)) : 0n;
function subMs(iso: string): number {
  const m = /\.\d{3}(\d{0,6})/.exec(iso);
  return m ? Number((m[1] + '000000').slice(0, 6)) : 0;
}

/**
 * A repeat's time: when it was observed, else the end of its whole second (it happened within
 * that second, and no earlier than anything the controller did before in it).
 */
function laterTime(observedAt: string | undefined, time: string): bigint {
  if (observedAt) return nsOf(observedAt);
  return BigInt(Math.floor(Date.parse(time) / 1000)) * 1_000_000_000n + 999_999_999n;
}

/** Unix ns from the hex suffix of an Event name, when it has one of plausible size. */
export function nameTime(name: string): bigint | undefined {
  const m = /\.([0-9a-f]{15,17})$/.exec(name);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/** Every (uid, count) occurrence of every Event, in sub-second order. */
export function occurrences(items: readonly WatchEvent[]): Occ[] {
  const seen = new Set<string>();
  const out: Occ[] = [];
  for (const item of items) {
    const e = item.object as Rec;
    if (e.kind !== 'Event' || item.type === 'DELETED') continue;
    const count = e.series?.count ?? e.count ?? 1;
    const key = `${e.metadata.uid}/${count}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const time = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
    const message = String(e.message ?? '');
    const first = count === 1;
    out.push({
      name: e.metadata.name,
      uid: e.metadata.uid,
      count,
      message,
      bare: bareMessage(message),
      aggregated: message.startsWith(AGGREGATED_PREFIX),
      reason: e.reason ?? '',
      type: e.type ?? 'Normal',
      kind: e.involvedObject?.kind ?? '',
      objName: e.involvedObject?.name ?? '',
      objUid: e.involvedObject?.uid ?? '',
      component: e.source?.component || e.reportingComponent || '',
      second: Math.floor(Date.parse(time) / 1000),
      at: (first ? nameTime(e.metadata.name) : undefined) ?? laterTime(item.observedAt, time),
      observedAt: item.observedAt ?? '',
    });
  }
  // A later occurrence is never before an earlier one of the same Event.
  const lastAt = new Map<string, bigint>();
  for (const o of out) {
    const prev = lastAt.get(o.uid);
    if (prev !== undefined && o.at < prev) o.at = prev;
    lastAt.set(o.uid, o.at);
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.count - b.count));
}

/** Owner objects by uid, versions in the order the watch delivered them. */
export function objects(items: readonly WatchEvent[]): ObjectHistory[] {
  const byUid = new Map<string, ObjectHistory>();
  for (const item of items) {
    const o = item.object as Rec;
    if (o.kind === 'Event') continue;
    const m = o.metadata;
    let h = byUid.get(m.uid);
    if (!h) {
      const ctl = (m.ownerReferences ?? []).find((r: Rec) => r.controller);
      h = {
        kind: o.kind,
        name: m.name,
        uid: m.uid,
        created: m.creationTimestamp,
        owner: ctl ? { kind: ctl.kind, name: ctl.name } : undefined,
        deleted: false,
        versions: [],
      };
      byUid.set(m.uid, h);
    }
    if (item.type === 'DELETED' || m.deletionTimestamp) h.deleted = true;
    const specWriters = (m.managedFields ?? [])
      .filter((f: Rec) => f.fieldsV1 && 'f:spec' in f.fieldsV1)
      .sort((a: Rec, b: Rec) => Date.parse(a.time) - Date.parse(b.time))
      .map(
        (f: Rec) =>
          `${f.manager}/${f.operation}${f.subresource ? `/${f.subresource}` : ''}@${f.time}`,
      );
    h.versions.push({ type: item.type, generation: m.generation, specWriters, meta: m });
  }
  return [...byUid.values()];
}

/** A pod name's incarnations (uids) in creation order: a StatefulSet reuses names. */
export function incarnations(objs: readonly ObjectHistory[]): Map<string, ObjectHistory[]> {
  const out = new Map<string, ObjectHistory[]>();
  for (const o of objs.filter((x) => x.kind === 'Pod')) {
    const list = out.get(o.name) ?? [];
    list.push(o);
    out.set(o.name, list);
  }
  for (const list of out.values())
    list.sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  return out;
}
