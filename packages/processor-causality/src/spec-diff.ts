import { isMasked, isPlainObject, itemKeyField } from './spec-compact.js';

/** One difference between two specs: where, and the value before and after, as shown. */
export interface SpecChange {
  /** `spec.template.spec.containers[web].image`, `spec.replicas`, `…ports[containerPort=80]`. */
  readonly path: string;
  /** `(none)` when absent, `(redacted)` when masked, else the value (JSON for objects and lists). */
  readonly before: string;
  readonly after: string;
}

const ABSENT = Symbol('absent');
type Value = unknown;

export const NONE = '(none)';
export const REDACTED = '(redacted)';

/**
 * The differences between two compact specs (spec-compact.ts), in the order of the fields: objects
 * key by key, lists item by item matched by their identifying field (`name`…, see `itemKeyField`) or
 * else by position; a list of plain values, or a value added or removed, is one difference.
 */
export function diffSpecs(before: unknown, after: unknown, root = 'spec'): SpecChange[] {
  const out: SpecChange[] = [];
  walk(before, after, root, out);
  return out;
}

function walk(a: Value, b: Value, path: string, out: SpecChange[]): void {
  if (a === ABSENT || b === ABSENT) {
    if (a !== b) out.push(change(path, a, b));
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) walk(a[k], k in b ? b[k] : ABSENT, keyPath(path, k), out);
    for (const k of Object.keys(b)) if (!(k in a)) walk(ABSENT, b[k], keyPath(path, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && !(allPlain(a) && allPlain(b))) {
    const field = itemKeyField(a, b);
    if (field) return walkKeyed(a, b, field, path, out);
    if (a.every(isPlainObject) && b.every(isPlainObject)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++)
        walk(i < a.length ? a[i] : ABSENT, i < b.length ? b[i] : ABSENT, `${path}[${i}]`, out);
      return;
    }
  }
  if (!same(a, b)) out.push(change(path, a, b));
}

/** Items matched by `field`: those of `a` in their order, then the ones only `b` has. */
function walkKeyed(
  a: readonly Value[],
  b: readonly Value[],
  field: string,
  path: string,
  out: SpecChange[],
): void {
  const id = (item: Value) => (item as Record<string, unknown>)[field] as string | number;
  const inB = new Map(b.map((item) => [id(item), item]));
  const inA = new Set(a.map(id));
  const at = (v: string | number) => `${path}[${field === 'name' ? v : `${field}=${v}`}]`;
  for (const item of a)
    walk(item, inB.has(id(item)) ? inB.get(id(item)) : ABSENT, at(id(item)), out);
  for (const item of b) if (!inA.has(id(item))) walk(ABSENT, item, at(id(item)), out);
}

/** A list of plain values (a container's `args`): compared, and shown, as a whole. */
function allPlain(list: readonly Value[]): boolean {
  return list.every((v) => typeof v !== 'object' || v === null);
}

function same(a: Value, b: Value): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

function keyPath(path: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function change(path: string, a: Value, b: Value): SpecChange {
  return { path, before: show(a), after: show(b) };
}

/** A value as a reader wants it: strings bare, masked values `(redacted)`, the rest as JSON. */
export function show(v: Value): string {
  if (v === ABSENT) return NONE;
  if (isMasked(v)) return REDACTED;
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v !== 'object' || v === null) return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (isMasked(x) ? REDACTED : x));
}

/** Longest value in the short form; the span event has them whole. */
const SHORT_VALUE = 80;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** What happened at a path: `before → after`. */
export function transition(c: SpecChange, valueMax = Infinity): string {
  return `${cut(c.before, valueMax)} → ${cut(c.after, valueMax)}`;
}

/** One difference as a line: `path: before → after`. */
export function describe(c: SpecChange, valueMax = Infinity): string {
  return `${c.path}: ${transition(c, valueMax)}`;
}

function more(n: number): string {
  return `… (+${n} more)`;
}

/**
 * The short form, at most `maxLength` characters: differences joined by `; ` while they fit, then
 * `… (+N more)` for the rest (`total` counts differences beyond those given, if any were not kept).
 */
export function shortDiff(
  changes: readonly SpecChange[],
  maxLength: number,
  total = changes.length,
): string {
  let out = '';
  let i = 0;
  for (; i < changes.length; i++) {
    const next = (out ? `${out}; ` : '') + describe(changes[i]!, SHORT_VALUE);
    const rest = total - i - 1;
    if (next.length + (rest > 0 ? 2 + more(rest).length : 0) > maxLength) break;
    out = next;
  }
  const rest = total - i;
  if (rest === 0) return out;
  if (out) return `${out}; ${more(rest)}`;
  // Not even the first fits: it is cut, so the attribute still says what changed first.
  const tail = rest > 1 ? ` ${more(rest - 1)}` : '';
  return cut(describe(changes[0]!, SHORT_VALUE), Math.max(1, maxLength - tail.length)) + tail;
}
