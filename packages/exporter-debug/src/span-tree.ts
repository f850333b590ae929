import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A span placed in its trace: children sorted by start time. */
export interface SpanNode {
  span: ReadableSpan;
  children: SpanNode[];
}

/** One trace as a forest (normally one root; spans whose parent is elsewhere become roots too). */
export interface TraceTree {
  traceId: string;
  roots: SpanNode[];
  spans: number;
  startNs: bigint;
  endNs: bigint;
}

export function hrTimeToNs(t: readonly [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

const byStart = (a: SpanNode, b: SpanNode) => {
  const d = hrTimeToNs(a.span.startTime) - hrTimeToNs(b.span.startTime);
  return d < 0n ? -1 : d > 0n ? 1 : a.span.name.localeCompare(b.span.name);
};

/** Groups spans into traces (in order of their first start) and links each span under its parent. */
export function buildTraceTrees(spans: Iterable<ReadableSpan>): TraceTree[] {
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const id = s.spanContext().traceId;
    const list = byTrace.get(id);
    if (list) list.push(s);
    else byTrace.set(id, [s]);
  }
  const trees: TraceTree[] = [];
  for (const [traceId, list] of byTrace) {
    const nodes = new Map<string, SpanNode>();
    for (const span of list) nodes.set(span.spanContext().spanId, { span, children: [] });
    const roots: SpanNode[] = [];
    for (const node of nodes.values()) {
      const parentId = node.span.parentSpanContext?.spanId;
      const parent = parentId ? nodes.get(parentId) : undefined;
      if (parent && parent !== node) parent.children.push(node);
      else roots.push(node);
    }
    const sortDeep = (ns: SpanNode[]) => {
      ns.sort(byStart);
      for (const n of ns) sortDeep(n.children);
    };
    sortDeep(roots);
    let startNs = hrTimeToNs(list[0]!.startTime);
    let endNs = hrTimeToNs(list[0]!.endTime);
    for (const s of list) {
      const st = hrTimeToNs(s.startTime);
      const en = hrTimeToNs(s.endTime);
      if (st < startNs) startNs = st;
      if (en > endNs) endNs = en;
    }
    trees.push({ traceId, roots, spans: list.length, startNs, endNs });
  }
  return trees.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
