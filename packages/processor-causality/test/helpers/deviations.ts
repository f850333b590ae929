import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TreeLine } from './tree.js';

/** One row of CONFORMANCE.md's deviation table. */
export interface Deviation {
  case: string;
  /** A line of expected.txt that gets another parent, or a span kspan did not emit. */
  event: { line: number } | { add: { service: string; name: string; message: string } };
  /** `service name message` of the line the event cites, to check the table against the case. */
  eventText: string;
  ours: number;
  oursText: string;
}

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads the deviation table of CONFORMANCE.md (the doc is the single source of the deviations). */
export function loadDeviations(): Deviation[] {
  const text = readFileSync(join(pkg, 'CONFORMANCE.md'), 'utf8');
  const out: Deviation[] = [];
  for (const row of text.split('\n')) {
    const cells = row.split('|').map((c) => c.trim());
    if (cells.length < 7 || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(cells[1] ?? '')) continue;
    const [, name, event, , ours] = cells as [string, string, string, string, string];
    const o = /^(\d+): (.*)$/.exec(ours);
    if (!o) throw new Error(`CONFORMANCE.md: cannot read "ours" cell: ${ours}`);
    const moved = /^(\d+): (.*)$/.exec(event);
    const added = /^\+ (\S+) (\S+) ?(.*)$/.exec(event);
    if (moved)
      out.push({
        case: name,
        event: { line: Number(moved[1]) },
        eventText: moved[2]!,
        ours: Number(o[1]),
        oursText: o[2]!,
      });
    else if (added)
      out.push({
        case: name,
        event: { add: { service: added[1]!, name: added[2]!, message: added[3] ?? '' } },
        eventText: `${added[1]} ${added[2]} ${added[3] ?? ''}`.trim(),
        ours: Number(o[1]),
        oursText: o[2]!,
      });
    else throw new Error(`CONFORMANCE.md: cannot read "event" cell: ${event}`);
  }
  return out;
}

const text = (l: TreeLine) => `${l.service} ${l.name} ${l.message}`.trim();

/** kspan's tree with the documented deviations applied; throws if a row does not fit the case. */
export function applyDeviations(lines: TreeLine[], deviations: readonly Deviation[]): TreeLine[] {
  const out = lines.map((l) => ({ ...l }));
  for (const d of deviations) {
    const parent = out[d.ours];
    if (!parent || text(parent) !== d.oursText)
      throw new Error(`CONFORMANCE.md ${d.case}: line ${d.ours} is not "${d.oursText}"`);
    if ('line' in d.event) {
      const l = out[d.event.line];
      if (!l || text(l) !== d.eventText)
        throw new Error(`CONFORMANCE.md ${d.case}: line ${d.event.line} is not "${d.eventText}"`);
      l.parent = d.ours;
    } else out.push({ index: out.length, parent: d.ours, ...d.event.add });
  }
  return out;
}
