/**
 * OTLP `Span.flags` / `Link.flags` as the official transformer sets them: the W3C trace flags in
 * the low byte, the "has is-remote" bit, and the "is remote" bit when the context is remote.
 */
export function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
}
