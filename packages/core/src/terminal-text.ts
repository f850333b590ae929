// Text from the cluster (event messages, names, annotations) is shown in terminals, and anyone who
// can create an Event controls it: ANSI/OSC sequences would recolour or retitle the operator's
// terminal and newlines would forge lines. What reaches a terminal goes through here first.

/** C0 controls, DEL, C1 controls, and the bidirectional overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character shown as an escape (`\n`, `\x1b`, `\u202e`), harmless. */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** What JSON.stringify leaves raw that a terminal still acts on: DEL, C1, line separators, bidi. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text (from JSON.stringify) with those characters as `\uXXXX` escapes: the same JSON value. */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
