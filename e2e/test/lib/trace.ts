// One shape for a trace read back from Jaeger or Zipkin, and the structural checks the suite makes on
// it: the tree (by parent span id), its root, duplicates, connectivity, paths by name.

export interface SpanView {
  traceId: string;
  spanId: string;
  /** The parent span id (Jaeger CHILD_OF reference, Zipkin parentId); undefined on a root. */
  parentId: string | undefined;
  name: string;
  service: string;
  /** `k8s.event.message` ('' on a synthesised root). */
  message: string;
  tags: Record<string, string>;
  startUs: number;
  durationUs: number;
  error: boolean;
  /** Span ids this span links to (Jaeger FOLLOWS_FROM; Zipkin has no links). */
  links: string[];
  /** `k8s.event.count` of each `occurrence` span event, in time order. */
  occurrences: number[];
}

export interface TraceView {
  traceId: string;
  spans: SpanView[];
}

export const eventUid = (s: SpanView): string | undefined => s.tags['k8s.event.uid'];
export const objectName = (s: SpanView): string => s.tags['k8s.object.name'] ?? '';

export function rootsOf(t: TraceView): SpanView[] {
  return t.spans.filter((s) => !s.parentId);
}

export function childrenOf(t: TraceView, parent: SpanView): SpanView[] {
  return t.spans
    .filter((s) => s.parentId === parent.spanId && s !== parent)
    .sort((a, b) => a.startUs - b.startUs);
}

export function spanById(t: TraceView, id: string | undefined): SpanView | undefined {
  return id === undefined ? undefined : t.spans.find((s) => s.spanId === id);
}

export function label(s: SpanView): string {
  return `${s.service} ${s.name}${s.message ? `  ${s.message}` : ''}${s.error ? '  [error]' : ''}`;
}

/** The trace drawn as an indented tree (for failure messages and evidence). */
export function renderTree(t: TraceView): string {
  const lines = [`trace ${t.traceId} · ${t.spans.length} spans`];
  const seen = new Set<SpanView>();
  const t0 = Math.min(...t.spans.map((s) => s.startUs));
  const draw = (s: SpanView, prefix: string, last: boolean, depth: number) => {
    seen.add(s);
    const rel = ((s.startUs - t0) / 1e6).toFixed(3);
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const occ = s.occurrences.length > 0 ? `  occurrences=${s.occurrences.join(',')}` : '';
    lines.push(`  +${rel}s ${prefix}${branch}${label(s)}  (${s.spanId})${occ}`);
    const kids = childrenOf(t, s).filter((k) => !seen.has(k));
    kids.forEach((k, i) =>
      draw(k, depth === 0 ? '' : prefix + (last ? '   ' : '│  '), i === kids.length - 1, depth + 1),
    );
  };
  for (const r of rootsOf(t).sort((a, b) => a.startUs - b.startUs)) draw(r, '', true, 0);
  const orphans = t.spans.filter((s) => !seen.has(s));
  if (orphans.length > 0) {
    lines.push('  spans not reachable from a root (parent missing from the trace):');
    for (const o of orphans) lines.push(`    ${label(o)}  (${o.spanId} parent ${o.parentId})`);
  }
  return lines.join('\n');
}

export function renderTraces(traces: TraceView[]): string {
  return traces.length === 0 ? '(no traces)' : traces.map(renderTree).join('\n');
}

/** Span ids that occur more than once in the trace (the backend stored two copies). */
export function duplicateSpanIds(t: TraceView): string[] {
  const n = new Map<string, number>();
  for (const s of t.spans) n.set(s.spanId, (n.get(s.spanId) ?? 0) + 1);
  return [...n].filter(([, c]) => c > 1).map(([id, c]) => `${id} ×${c}`);
}

/**
 * Spans that say the same thing twice: the same occurrence(s) of the same Event (uid), or for spans
 * without an event (the root) the same name, message and Kubernetes object. Two Event objects that
 * happen to carry the same text are not duplicates; a follow-on span of a repeated event differs
 * from the first by its occurrences.
 */
export function duplicateContent(t: TraceView): string[] {
  const n = new Map<string, SpanView[]>();
  for (const s of t.spans) {
    const uid = eventUid(s);
    const key = uid
      ? [uid, s.tags['k8s.event.count'], s.occurrences.join(',')].join('|')
      : [s.service, s.name, s.message, objectName(s)].join('|');
    n.set(key, [...(n.get(key) ?? []), s]);
  }
  return [...n.values()]
    .filter((l) => l.length > 1)
    .map(
      (l) =>
        `${label(l[0]!)} on ${objectName(l[0]!)}: ${l.length} spans (${l.map((s) => s.spanId).join(', ')})`,
    );
}

/** Problems with the tree's shape: not exactly one root, or a parent that is not in the trace. */
export function connectivityProblems(t: TraceView): string[] {
  const problems: string[] = [];
  const roots = rootsOf(t);
  if (roots.length !== 1)
    problems.push(`${roots.length} root spans (${roots.map(label).join('; ')}), expected 1`);
  const ids = new Set(t.spans.map((s) => s.spanId));
  for (const s of t.spans)
    if (s.parentId && !ids.has(s.parentId))
      problems.push(`parent ${s.parentId} of ${label(s)} (${s.spanId}) is not in the trace`);
  return problems;
}

export interface SpanMatcher {
  name: string;
  service?: string;
  /** A message the span must carry: exact string or pattern. */
  message?: string | RegExp;
  object?: string;
}

export function matches(s: SpanView, m: SpanMatcher, caseInsensitive = false): boolean {
  const eq = (a: string, b: string) =>
    caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (!eq(s.name, m.name)) return false;
  if (m.service !== undefined && !eq(s.service, m.service)) return false;
  if (m.object !== undefined && objectName(s) !== m.object) return false;
  if (m.message instanceof RegExp) return m.message.test(s.message);
  if (m.message !== undefined) return s.message === m.message;
  return true;
}

/**
 * Finds a chain root → … → last where each step is a direct child of the one before and matches
 * its matcher (the first matcher is for the root). Returns the chain, or undefined.
 */
export function findPath(
  t: TraceView,
  path: SpanMatcher[],
  caseInsensitive = false,
): SpanView[] | undefined {
  const walk = (s: SpanView, i: number): SpanView[] | undefined => {
    if (!matches(s, path[i]!, caseInsensitive)) return undefined;
    if (i === path.length - 1) return [s];
    for (const c of childrenOf(t, s)) {
      const rest = walk(c, i + 1);
      if (rest) return [s, ...rest];
    }
    return undefined;
  };
  for (const r of rootsOf(t)) {
    const p = walk(r, 0);
    if (p) return p;
  }
  return undefined;
}

export function describePath(path: SpanMatcher[]): string {
  return path
    .map((m) => `${m.service ?? '*'} ${m.name}${m.message ? ` "${String(m.message)}"` : ''}`)
    .join(' → ');
}
