import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import type { CausalityOptions } from '../../src/index.js';
import { parseTime } from '../../src/time.js';
import { canonical, parseTree, renderTree, treeLines } from './tree.js';

/**
 * A case is a directory: `capture.ndjson` (the input, in the capture format) and `expected.txt` (the
 * tree, in kspan's format; `#` lines describe the case), optionally `config.json` (processor options)
 * and `expected-spans.json` (checks on single spans, see `Expectations`). The conformance cases and
 * our own scenarios are both read by `loadCases`.
 */
export interface Case {
  name: string;
  dir: string;
  items: WatchEvent[];
  /** The tree, without its `#` lines. */
  expected: string;
  /** The `#` lines of expected.txt: what the case shows. */
  about: string;
  config: CausalityOptions;
  checks: Expectations;
}

/** Which span: by name, and message; `nth` (from 0) among the matches ordered by start time. */
export interface SpanSelector {
  span: string;
  message?: string;
  nth?: number;
}

/** What must hold of one span (each field optional). Times are RFC 3339 with microseconds. */
export interface SpanCheck extends SpanSelector {
  attributes?: Record<string, string | number | boolean>;
  status?: 'ERROR' | 'UNSET';
  start?: string;
  end?: string;
  /** Its end is the start of that span. */
  endsAtStartOf?: SpanSelector;
  /** Its parent is remote with this span id; `null`: it has no parent. */
  remoteParent?: string | null;
  /** Its `occurrence` span events, in order: their attributes, and `time` when given. */
  occurrences?: Array<Record<string, string | number>>;
  /** Its links, in order: to a span of this case, with these attributes. */
  links?: Array<{ to: SpanSelector; attributes?: Record<string, string> }>;
}

export interface Expectations {
  /** How many traces, or exactly which trace ids. */
  traces?: number | string[];
  spans?: SpanCheck[];
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

/** Every case under `root`, by directory name. */
export function loadCases(root: string): Case[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'capture.ndjson')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const json = <T>(file: string, empty: T): T =>
        existsSync(join(dir, file))
          ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as T)
          : empty;
      const tree = lines(readFileSync(join(dir, 'expected.txt'), 'utf8'));
      return {
        name,
        dir,
        items: lines(readFileSync(join(dir, 'capture.ndjson'), 'utf8')).map(
          (l) => JSON.parse(l) as WatchEvent,
        ),
        expected: tree.filter((l) => !l.startsWith('#')).join('\n'),
        about: tree
          .filter((l) => l.startsWith('#'))
          .map((l) => l.replace(/^#\s?/, ''))
          .join(' '),
        config: json<CausalityOptions>('config.json', {}),
        checks: json<Expectations>('expected-spans.json', {}),
      };
    });
}

/** The spans' tree equals the case's (siblings in any order, parents as relations). */
export function expectTree(spans: readonly ReadableSpan[], expected: string): void {
  expect(canonical(treeLines(spans)), `ours:\n${renderTree(spans)}`).to.equal(
    canonical(parseTree(expected)),
  );
}

const us = (t: readonly [number, number]) => t[0] * 1e6 + Math.round(t[1] / 1e3);
const timeUs = (iso: string) => {
  const p = parseTime(iso);
  if (!p) throw new Error(`bad time in a case: ${iso}`);
  return p.us;
};

function select(spans: readonly ReadableSpan[], s: SpanSelector): ReadableSpan {
  const found = spans
    .filter(
      (x) =>
        x.name === s.span &&
        (s.message === undefined || x.attributes['k8s.event.message'] === s.message),
    )
    .sort((a, b) => us(a.startTime) - us(b.startTime));
  const span = found[s.nth ?? 0];
  if (!span) throw new Error(`no span ${JSON.stringify(s)}\n${renderTree(spans)}`);
  return span;
}

/** Applies a case's `expected-spans.json`. */
export function expectChecks(spans: readonly ReadableSpan[], checks: Expectations): void {
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  if (typeof checks.traces === 'number') expect(traceIds, 'traces').to.have.length(checks.traces);
  else if (checks.traces) expect(traceIds, 'trace ids').to.deep.equal(checks.traces);
  for (const c of checks.spans ?? []) {
    const s = select(spans, c);
    const what = `${c.span}${c.nth ? `[${c.nth}]` : ''}`;
    if (c.attributes) expect(s.attributes, what).to.deep.include(c.attributes);
    if (c.status) expect(s.status.code, `${what} status`).to.equal(c.status === 'ERROR' ? 2 : 0);
    if (c.start) expect(us(s.startTime), `${what} start`).to.equal(timeUs(c.start));
    if (c.end) expect(us(s.endTime), `${what} end`).to.equal(timeUs(c.end));
    if (c.endsAtStartOf)
      expect(us(s.endTime), `${what} end`).to.equal(us(select(spans, c.endsAtStartOf).startTime));
    if (c.remoteParent === null) expect(s.parentSpanContext, `${what} parent`).to.equal(undefined);
    else if (c.remoteParent)
      expect(s.parentSpanContext, `${what} parent`).to.include({
        spanId: c.remoteParent,
        isRemote: true,
      });
    if (c.occurrences)
      expect(
        s.events.map((e, i) =>
          c.occurrences![i]?.time === undefined
            ? { ...e.attributes }
            : { ...e.attributes, time: us(e.time) },
        ),
        `${what} occurrences`,
      ).to.deep.equal(
        c.occurrences.map(({ time, ...a }) =>
          time === undefined ? a : { ...a, time: timeUs(String(time)) },
        ),
      );
    if (c.links)
      expect(
        s.links.map((l) => ({ spanId: l.context.spanId, attributes: l.attributes })),
        `${what} links`,
      ).to.deep.equal(
        c.links.map((l) => ({
          spanId: select(spans, l.to).spanContext().spanId,
          attributes: l.attributes,
        })),
      );
  }
}
