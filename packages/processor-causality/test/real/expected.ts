// The ground truth of a real recording (`<scenario>/expected.json`): parent relations that must hold
// and must not hold on the spans kspan makes from it, each derived from the recording itself (event
// names' nanosecond times, generations, uids, managedFields, replica arithmetic) and explained.

/** Which of issue 10's six defects a relation exercises; `base` for plain causality. */
export const DEFECTS = ['1', '2', '3', '4', '5', '6', 'base'] as const;
export type Defect = (typeof DEFECTS)[number];

/**
 * A span, by the Event it comes from: `event` is the Event's `metadata.name` (unique in its
 * namespace). An Event the aggregator rewrote carries several messages: `message` picks the span of
 * one of them (its `k8s.event.message`, compared with and without the `(combined from similar
 * events): ` prefix). `count` picks, among spans of that event, the one whose occurrences include
 * that count (a follow-on, or a StatefulSet's repeated `create Pod X`).
 */
export interface SpanRef {
  event: string;
  message?: string;
  count?: number;
}

/** What must be true of the span. Exactly one key per relation. */
export interface Check {
  /** Its parent is this span. */
  parent?: SpanRef;
  /** Its parent is not this span. */
  notParent?: SpanRef;
  /** Same trace as this span. */
  sameTrace?: SpanRef;
  /** Not in the trace of this span. */
  otherTrace?: SpanRef;
  /** Its parent is not the parent of this span (it is not that span's sibling). */
  notSiblingOf?: SpanRef;
  /** The root span of its trace has this `service.name` (the writer of the change's generation). */
  rootService?: string;
}

export const CHECKS = [
  'parent',
  'notParent',
  'sameTrace',
  'otherTrace',
  'notSiblingOf',
  'rootService',
] as const;

export interface Relation extends Check {
  /** Unique within the scenario; stable across re-derivations. */
  id: string;
  defect: Defect;
  span: SpanRef;
  /** How the relation follows from the recording. */
  why: string;
  /** The current engine gets it wrong, because of this defect: the test asserts it is STILL wrong. */
  open?: Defect;
}

export interface Expected {
  scenario: string;
  /** What the scenario did and showed, one or two sentences. */
  summary: string;
  relations: Relation[];
}

const isRef = (v: unknown): v is SpanRef =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SpanRef).event === 'string' &&
  ['undefined', 'string'].includes(typeof (v as SpanRef).message) &&
  ['undefined', 'number'].includes(typeof (v as SpanRef).count);

/** Checks the shape of a parsed expected.json; throws with every problem and its place. */
export function checkExpected(v: unknown, where: string): Expected {
  const problems: string[] = [];
  const e = v as Expected;
  if (typeof e?.scenario !== 'string') problems.push('scenario: not a string');
  if (typeof e?.summary !== 'string') problems.push('summary: not a string');
  if (!Array.isArray(e?.relations)) problems.push('relations: not an array');
  const ids = new Set<string>();
  for (const [i, r] of (Array.isArray(e?.relations) ? e.relations : []).entries()) {
    const at = `relations[${i}]${typeof r?.id === 'string' ? ` (${r.id})` : ''}`;
    if (typeof r?.id !== 'string') problems.push(`${at}.id: not a string`);
    else if (ids.has(r.id)) problems.push(`${at}.id: duplicate`);
    else ids.add(r.id);
    if (!DEFECTS.includes(r?.defect))
      problems.push(`${at}.defect: not one of ${DEFECTS.join(' ')}`);
    if (r?.open !== undefined && !DEFECTS.includes(r.open))
      problems.push(`${at}.open: not one of ${DEFECTS.join(' ')}`);
    if (!isRef(r?.span)) problems.push(`${at}.span: not a span reference`);
    if (typeof r?.why !== 'string' || !r.why) problems.push(`${at}.why: missing`);
    const checks = CHECKS.filter((c) => r?.[c] !== undefined);
    if (checks.length !== 1) problems.push(`${at}: needs exactly one of ${CHECKS.join(', ')}`);
    for (const c of checks) {
      const ok = c === 'rootService' ? typeof r[c] === 'string' : isRef(r[c]);
      if (!ok) problems.push(`${at}.${c}: malformed`);
    }
  }
  if (problems.length) throw new Error(`${where}:\n  ${problems.join('\n  ')}`);
  return e;
}
