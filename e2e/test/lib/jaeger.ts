// Jaeger's own query API (v1 JSON: /api/services, /api/traces, /api/traces/{id}), read into TraceView.
import { suiteEnv } from './env.js';
import type { SpanView, TraceView } from './trace.js';

interface JTag {
  key: string;
  type?: string;
  value: unknown;
}
interface JSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags?: JTag[];
  logs?: Array<{ timestamp: number; fields: JTag[] }>;
  processID: string;
}
export interface JTrace {
  traceID: string;
  spans: JSpan[];
  processes: Record<string, { serviceName: string; tags?: JTag[] }>;
  warnings?: string[] | null;
}

async function get<T>(path: string): Promise<T> {
  const url = `${suiteEnv().JAEGER_QUERY_URL}${path}`;
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

export async function jaegerServices(): Promise<string[]> {
  return (await get<{ data: string[] | null }>('/api/services')).data ?? [];
}

/** Every trace with a span tagged `k8s.namespace.name=<ns>`, each fetched whole by its id. */
export async function jaegerTracesRaw(ns: string): Promise<JTrace[]> {
  const tags = encodeURIComponent(JSON.stringify({ 'k8s.namespace.name': ns }));
  const ids = new Set<string>();
  for (const service of await jaegerServices()) {
    const found = await get<{ data: JTrace[] | null }>(
      `/api/traces?service=${encodeURIComponent(service)}&tags=${tags}&lookback=1h&limit=1000`,
    );
    for (const t of found.data ?? []) ids.add(t.traceID);
  }
  const out: JTrace[] = [];
  for (const id of ids) {
    const t = await get<{ data: JTrace[] | null }>(`/api/traces/${id}`);
    out.push(...(t.data ?? []));
  }
  return out;
}

export async function jaegerTraces(ns: string): Promise<TraceView[]> {
  return (await jaegerTracesRaw(ns)).map(fromJaeger);
}

const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function fromJaeger(t: JTrace): TraceView {
  return {
    traceId: t.traceID,
    spans: t.spans.map((s): SpanView => {
      const tags: Record<string, string> = {};
      for (const tag of s.tags ?? []) tags[tag.key] = str(tag.value);
      const parent = s.references?.find((r) => r.refType === 'CHILD_OF' && r.traceID === t.traceID);
      const occurrences: number[] = [];
      for (const log of [...(s.logs ?? [])].sort((a, b) => a.timestamp - b.timestamp)) {
        const f = Object.fromEntries(log.fields.map((x) => [x.key, str(x.value)]));
        if (f.event === 'occurrence' && f['k8s.event.count'] !== undefined)
          occurrences.push(Number(f['k8s.event.count']));
      }
      return {
        traceId: s.traceID,
        spanId: s.spanID,
        parentId: parent?.spanID,
        name: s.operationName,
        service: t.processes[s.processID]?.serviceName ?? '?',
        message: tags['k8s.event.message'] ?? '',
        tags,
        startUs: s.startTime,
        durationUs: s.duration,
        error: tags['otel.status_code'] === 'ERROR' || tags.error === 'true',
        links: (s.references ?? [])
          .filter((r) => r.refType === 'FOLLOWS_FROM' || (r.refType === 'CHILD_OF' && r !== parent))
          .map((r) => r.spanID),
        occurrences,
      };
    }),
  };
}
