/** Whether `v` is a plain JSON object (not null, not an array): what a parsed Kubernetes object is made of. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
