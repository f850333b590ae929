import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { escapeControlChars as safe } from '@kspan/core';
import { buildTraceTrees, hrTimeToNs, type SpanNode, type TraceTree } from './span-tree.js';

export interface RenderOptions {
  /** Terminal width; lines are cut to it (the message is what gets shortened). */
  width?: number;
  /** Add each span's attributes on indented lines below it. */
  attributes?: boolean;
  /** Trace id → a note for its header, after the id (a trace drawn in parts: `part 2, continued`). */
  notes?: ReadonlyMap<string, string>;
}

/** Attribute keys that hold an event's message (a change's root: what changed), in order of preference. */
const MESSAGE_KEYS = ['k8s.event.message', 'kspan.change.diff', 'message'];

/**
 * Draws traces as indented trees, one trace after another:
 *
 *     trace 0af7651916cd43dd8448eb211c80319c · 5 spans · 12.3s
 *       +0.000s  12.3s  kubectl-client-side-apply Deployment.Update
 *       +0.104s   2.1s  └─ deployment-controller Deployment.ScalingReplicaSet  Scaled up replica…
 *
 * Start is relative to the trace's start; Warning/Error spans are marked with `!`.
 */
export function renderTraces(spans: Iterable<ReadableSpan>, options: RenderOptions = {}): string {
  return buildTraceTrees(spans)
    .map((t) => renderTrace(t, options))
    .join('\n');
}

export function renderTrace(tree: TraceTree, options: RenderOptions = {}): string {
  const width = Math.max(40, options.width ?? 80);
  const note = options.notes?.get(tree.traceId);
  const lines = [
    `trace ${tree.traceId}${note ? ` · ${note}` : ''} · ${tree.spans} span${tree.spans === 1 ? '' : 's'} · ${formatSeconds(tree.endNs - tree.startNs)}`,
  ];
  const walk = (node: SpanNode, prefix: string, branch: string) => {
    lines.push(fit(spanLine(node.span, tree.startNs, prefix + branch), width));
    if (options.attributes) {
      const pad =
        ' '.repeat(19) + prefix + (branch ? (branch === '└─ ' ? '   ' : '│  ') : '') + '    ';
      for (const [k, v] of Object.entries(node.span.attributes))
        lines.push(fit(`${pad}${safe(k)}=${safe(JSON.stringify(v))}`, width));
    }
    const childPrefix = prefix + (branch === '├─ ' ? '│  ' : branch === '└─ ' ? '   ' : '');
    node.children.forEach((c, i) =>
      walk(c, childPrefix, i === node.children.length - 1 ? '└─ ' : '├─ '),
    );
  };
  for (const root of tree.roots) walk(root, '', '');
  return lines.join('\n') + '\n';
}

function spanLine(span: ReadableSpan, traceStartNs: bigint, indent: string): string {
  const start = `+${formatSeconds(hrTimeToNs(span.startTime) - traceStartNs, 3)}`;
  const duration = formatSeconds(hrTimeToNs(span.endTime) - hrTimeToNs(span.startTime));
  const mark = span.status.code === SpanStatusCode.ERROR ? '!' : ' ';
  const service = String(span.resource.attributes['service.name'] ?? 'unknown');
  const message = MESSAGE_KEYS.map((k) => span.attributes[k]).find(
    (v) => v !== undefined && v !== '',
  );
  // Everything here comes from the cluster and goes to a terminal: control characters are escaped.
  const text = safe(
    `${service} ${span.name}${message !== undefined ? `  ${String(message)}` : ''}`,
  );
  return `${mark} ${start.padStart(8)} ${duration.padStart(6)}  ${indent}${text}`;
}

function formatSeconds(ns: bigint, digits = 1): string {
  const s = Number(ns) / 1e9;
  if (s >= 3600) return `${(s / 3600).toFixed(1)}h`;
  if (s >= 60) return `${(s / 60).toFixed(1)}m`;
  return `${s.toFixed(digits)}s`;
}

/** Cuts a line to the terminal width, marking the cut. */
function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : chars.slice(0, width - 1).join('') + '…';
}
