// What a restarted kspan cannot emit as the first one did (packages/processor-causality/README.md,
// "Restarts"): the root of a generation older than the one it listed (how that generation ended is
// no longer in the cluster) and the spans whose end came from a Pod deleted before it started (the
// Pod's status is gone with it). A backend then holds two copies of such a span id. Every other span
// must be stored once; the restart suites strip only these copies, each excused by ground truth
// (the top object's generation when the second kspan started, the cluster's `Deleted pod` Events).
import type { ClusterEvent } from './kubectl.js';
import type { SpanView, TraceView } from './trace.js';

export interface RestartTruth {
  /** When the second kspan was started (ms since the epoch). */
  startedAtMs: number;
  /** The top object's `metadata.generation` just before the second kspan started. */
  generationAtStart: number;
  /** The cluster's Events (the `Deleted pod: X` ones say which pods were gone before the start). */
  events: ClusterEvent[];
}

/** Pods whose `Deleted pod` Event happened before the second kspan started. */
export function podsGoneBefore(truth: RestartTruth): Set<string> {
  const gone = new Set<string>();
  for (const e of truth.events) {
    const m = /^Deleted pod: (\S+)/.exec(e.message);
    if (m && e.t / 1000 < truth.startedAtMs) gone.add(m[1]!);
  }
  return gone;
}

/** Why a span id may hold two contents after the restart, or undefined when it may not. */
function excuse(s: SpanView, truth: RestartTruth, gone: Set<string>): string | undefined {
  if (!s.parentId && s.tags['kspan.synthetic'] === 'true') {
    const g = Number(s.tags['kspan.generation']);
    return g < truth.generationAtStart
      ? `root of generation ${g} < ${truth.generationAtStart} listed at the restart`
      : undefined;
  }
  const pod =
    s.tags['k8s.object.kind'] === 'Pod'
      ? s.tags['k8s.object.name']
      : /^(?:Created|Deleted) pod: (\S+)/.exec(s.message)?.[1];
  return pod && gone.has(pod) ? `span of pod ${pod}, deleted before the restart` : undefined;
}

/**
 * The trace with the second copies of excused span ids removed (the first copy stays), and what was
 * excused. Copies of any other span id are kept, for the suites' duplicate checks to report.
 */
export function withoutRestartLimits(
  t: TraceView,
  truth: RestartTruth,
): { trace: TraceView; excused: string[] } {
  const gone = podsGoneBefore(truth);
  const seen = new Set<string>();
  const excused: string[] = [];
  const spans = t.spans.filter((s) => {
    if (!seen.has(s.spanId)) {
      seen.add(s.spanId);
      return true;
    }
    const why = excuse(s, truth, gone);
    if (why === undefined) return true;
    excused.push(`${s.spanId} ${s.service} ${s.name}: ${why}`);
    return false;
  });
  return { trace: { ...t, spans }, excused };
}
