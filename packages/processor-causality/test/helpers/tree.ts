import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** One line of a tree in kspan's expected.txt format. */
export interface TreeLine {
  index: number;
  service: string;
  name: string;
  parent: number | undefined;
  message: string;
}

const ns = (t: readonly [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/**
 * Renders spans as kspan's tests print them: `<index>: <service> <name> (<parent>) <message>`,
 * depth-first from each root, children by start time (then name and message, so siblings that share
 * a start time come in a fixed order). Roots are ordered by start time too.
 */
export function renderTree(spans: readonly ReadableSpan[]): string {
  return treeLines(spans)
    .map(
      (l) =>
        `${l.index}: ${l.service} ${l.name}${l.parent === undefined ? '' : ` (${l.parent})`} ${l.message}`,
    )
    .join('\n');
}

export function treeLines(spans: readonly ReadableSpan[]): TreeLine[] {
  const byId = new Map<string, ReadableSpan>();
  for (const s of spans) byId.set(s.spanContext().spanId, s);
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const s of spans) {
    const p = s.parentSpanContext?.spanId;
    if (p && byId.has(p)) {
      const list = children.get(p) ?? [];
      list.push(s);
      children.set(p, list);
    } else roots.push(s);
  }
  const order = (a: ReadableSpan, b: ReadableSpan) => {
    const d = ns(a.startTime) - ns(b.startTime);
    if (d !== 0n) return d < 0n ? -1 : 1;
    return label(a).localeCompare(label(b));
  };
  const out: TreeLine[] = [];
  const walk = (s: ReadableSpan, parent: number | undefined) => {
    const index = out.length;
    out.push({ index, service: service(s), name: s.name, parent, message: message(s) });
    for (const c of (children.get(s.spanContext().spanId) ?? []).sort(order)) walk(c, index);
  };
  for (const r of roots.sort(order)) walk(r, undefined);
  return out;
}

export const service = (s: ReadableSpan) => String(s.resource.attributes['service.name'] ?? '');
export const message = (s: ReadableSpan) => String(s.attributes['k8s.event.message'] ?? '');
const label = (s: ReadableSpan) => `${s.name} ${message(s)}`;

/** Parses expected.txt lines. */
export function parseTree(text: string): TreeLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const m = /^(\d+): (\S+) (\S+)(?: \((\d+)\))? ?(.*)$/.exec(line);
      if (!m) throw new Error(`cannot parse tree line: ${line}`);
      return {
        index: Number(m[1]),
        service: m[2]!,
        name: m[3]!,
        parent: m[4] === undefined ? undefined : Number(m[4]),
        message: m[5] ?? '',
      };
    });
}

/**
 * A canonical form of a forest: each node is `service name message` followed by its children's
 * canonical forms, sorted — so siblings in either order compare equal, and parents are compared as
 * relations, not line positions.
 */
export function canonical(lines: readonly TreeLine[]): string {
  const kids = new Map<number | undefined, TreeLine[]>();
  for (const l of lines) {
    const list = kids.get(l.parent) ?? [];
    list.push(l);
    kids.set(l.parent, list);
  }
  const form = (l: TreeLine, depth: number): string => {
    const sub = (kids.get(l.index) ?? []).map((c) => form(c, depth + 1)).sort();
    return (
      `${'  '.repeat(depth)}${l.service} ${l.name} ${l.message}`.trimEnd() +
      (sub.length ? '\n' + sub.join('\n') : '')
    );
  };
  return (kids.get(undefined) ?? [])
    .map((l) => form(l, 0))
    .sort()
    .join('\n');
}
