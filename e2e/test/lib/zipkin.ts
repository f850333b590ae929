// Zipkin's own query API (/api/v2/traces, /api/v2/trace/{id}), read into TraceView.
// Zipkin lower-cases service and span names; compare those case-insensitively.
import { suiteEnv } from './env.js';
import type { SpanView, TraceView } from './trace.js';

interface ZSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}

async function get<T>(path: string): Promise<T> {
  const url = `${suiteEnv().ZIPKIN_URL}${path}`;
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Every trace with a span tagged `k8s.namespace.name=<ns>`, each fetched whole by its id. */
export async function zipkinTracesRaw(ns: string): Promise<ZSpan[][]> {
  const q = encodeURIComponent(`k8s.namespace.name=${ns}`);
  const found = await get<ZSpan[][]>(
    `/api/v2/traces?annotationQuery=${q}&lookback=3600000&limit=1000&endTs=${Date.now() + 60_000}`,
  );
  const ids = new Set(found.flatMap((t) => t.map((s) => s.traceId)));
  const out: ZSpan[][] = [];
  for (const id of ids) out.push(await get<ZSpan[]>(`/api/v2/trace/${id}`));
  return out;
}

export async function zipkinTraces(ns: string): Promise<TraceView[]> {
  return (await zipkinTracesRaw(ns)).map(fromZipkin);
}

export function fromZipkin(spans: ZSpan[]): TraceView {
  return {
    traceId: spans[0]?.traceId ?? '',
    spans: spans.map((s): SpanView => {
      const tags = s.tags ?? {};
      const occurrences: number[] = [];
      for (const a of [...(s.annotations ?? [])].sort((x, y) => x.timestamp - y.timestamp)) {
        // the exporter writes an event with attributes as `"occurrence": {"k8s.event.count":2,…}`
        const m = /^"?occurrence"?(?::\s*(\{.*\}))?$/.exec(a.value);
        if (!m) continue;
        const attrs = m[1] ? (JSON.parse(m[1]) as Record<string, unknown>) : {};
        if (attrs['k8s.event.count'] !== undefined)
          occurrences.push(Number(attrs['k8s.event.count']));
      }
      return {
        traceId: s.traceId,
        spanId: s.id,
        parentId: s.parentId,
        name: s.name ?? '',
        service: s.localEndpoint?.serviceName ?? '?',
        message: tags['k8s.event.message'] ?? '',
        tags,
        startUs: s.timestamp ?? 0,
        durationUs: s.duration ?? 0,
        error: tags.error !== undefined,
        links: [],
        occurrences,
      };
    }),
  };
}
