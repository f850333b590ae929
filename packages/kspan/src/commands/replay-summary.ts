import { escapeControlChars, type LogEntry } from '@kspan/core';

/** How many line numbers a summary names before it says "…". */
const FIRST_LINES = 5;

interface Skips {
  count: number;
  reasons: Map<string, number>;
  lines: number[];
}

/**
 * Collects what the components of a replay skipped or dropped, from their warnings (each skipped
 * line or dropped item is one, rate-limited on screen but all seen here), for the one-line
 * summary a replay ends with.
 */
export class ReplaySkips {
  private readonly byComponent = new Map<string, Skips>();

  constructor(private readonly ignore: ReadonlySet<string>) {}

  /** Takes every log entry (LoggerOptions.observe). */
  readonly observe = (entry: LogEntry): void => {
    if (entry.level !== 'warn' && entry.level !== 'error') return;
    const { component, reason, line } = entry.fields;
    if (typeof component !== 'string' || this.ignore.has(component)) return;
    if (reason === undefined && line === undefined) return; // not about an input item
    const s: Skips = this.byComponent.get(component) ?? { count: 0, reasons: new Map(), lines: [] };
    this.byComponent.set(component, s);
    s.count++;
    // "invalid JSON: Unexpected token…" → "invalid JSON": one reason, not one per line.
    const kind = String(reason ?? entry.msg)
      .split(':')[0]!
      .slice(0, 60);
    s.reasons.set(kind, (s.reasons.get(kind) ?? 0) + 1);
    if (typeof line === 'number' && s.lines.length < FIRST_LINES) s.lines.push(line);
  };

  get total(): number {
    let n = 0;
    for (const s of this.byComponent.values()) n += s.count;
    return n;
  }

  /** `k8s_capture: 11 skipped (invalid JSON ×11; lines 2, 4, 6, 8, 10, …); causality: …`, or ''. */
  describe(): string {
    return [...this.byComponent]
      .map(([component, s]) => {
        const reasons = [...s.reasons].map(([r, n]) => `${r} ×${n}`).join(', ');
        const lines =
          s.lines.length === 0
            ? ''
            : `; line${s.count === 1 ? '' : 's'} ${s.lines.join(', ')}${
                s.count > FIRST_LINES ? ', …' : ''
              }`;
        return escapeControlChars(`${component}: ${s.count} skipped (${reasons}${lines})`);
      })
      .join('; ');
  }
}
