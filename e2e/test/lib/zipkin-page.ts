// What Zipkin's web UI (Zipkin Lens, served by the Zipkin server at /zipkin/) shows on a trace's
// page, read from the DOM Chromium serialised. The page is a React/Material-UI app whose class names
// are generated, so it is read by its visible text in document order and by the mini-map's SVG bars:
//   header:  <h6>"<service>: <span name>"</h6> of the root span, then "Duration" <d>, "Services" <n>,
//            "Total Spans" <n>, "Trace ID" <id>
//   rows:    per span, the label "<service>: <span name>" followed by its duration
//   minimap: one <rect x="…%" y="…%" width="…%"> per span in tree order; the root's is at y="0%"

export interface ZipkinPage {
  /** The header's title: the root span's `<service>: <name>`. */
  title: string;
  /** The header's figures, as shown. */
  duration: string;
  services: string;
  totalSpans: string;
  traceId: string;
  /** The span rows drawn, in order: label and duration as shown. */
  rows: Array<{ label: string; duration: string }>;
  /** The mini-map's bar of the root span, in % of the trace's duration. */
  rootBar?: { x: number; width: number };
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/** The visible text nodes of an HTML document, in order, trimmed, without style/script content. */
export function textNodes(html: string): string[] {
  const body = html.replace(/<(style|script)\b[^>]*>[\s\S]*?<\/\1>/gi, '');
  const out: string[] = [];
  for (const m of body.matchAll(/>([^<]+)</g)) {
    const text = m[1]!.replace(/&(#?\w+);/g, (all, e: string) => ENTITIES[e] ?? all).trim();
    if (text) out.push(text);
  }
  return out;
}

/** A duration as Zipkin's UI writes it: `1μs`, `18.462ms`, `2.5s`. */
export const UI_DURATION = /^(\d+(?:\.\d+)?)(μs|ms|s)$/;

/**
 * A UI duration in microseconds, with the error its rounding allows (one unit of its last digit).
 * Undefined when the text is not a duration.
 */
export function parseUiDuration(text: string): { us: number; toleranceUs: number } | undefined {
  const m = UI_DURATION.exec(text);
  if (!m) return undefined;
  const unit = { μs: 1, ms: 1e3, s: 1e6 }[m[2] as 'μs' | 'ms' | 's'];
  const decimals = m[1]!.split('.')[1]?.length ?? 0;
  return { us: Number(m[1]) * unit, toleranceUs: Math.max(1, unit / 10 ** decimals) };
}

function after(texts: string[], label: string): string {
  const i = texts.indexOf(label);
  return i >= 0 ? (texts[i + 1] ?? '') : '';
}

/** Reads a trace page; fields the page does not show are empty (the caller's checks then fail). */
export function readZipkinTracePage(html: string): ZipkinPage {
  const texts = textNodes(html);
  const title = /<h6\b[^>]*>([^<]*)<\/h6>/.exec(html)?.[1]?.trim() ?? '';
  const rows: ZipkinPage['rows'] = [];
  for (let i = 0; i + 1 < texts.length; i++)
    if (/^[^:]+: \S/.test(texts[i]!) && UI_DURATION.test(texts[i + 1]!))
      rows.push({ label: texts[i]!, duration: texts[i + 1]! });
  const bar = /<rect x="([\d.]+)%" y="0%" width="([\d.]+)%"/.exec(html);
  return {
    title,
    duration: after(texts, 'Duration'),
    services: after(texts, 'Services'),
    totalSpans: after(texts, 'Total Spans'),
    traceId: after(texts, 'Trace ID'),
    rows,
    rootBar: bar ? { x: Number(bar[1]), width: Number(bar[2]) } : undefined,
  };
}
