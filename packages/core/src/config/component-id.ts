/** `type` or `type/name`, as written in a config (`otlp/primary`). */
export interface ComponentId {
  id: string;
  type: string;
  name?: string;
}

const ID_RE = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9_.-]+))?$/;

export function parseComponentId(id: string): ComponentId | undefined {
  const m = ID_RE.exec(id);
  if (!m) return undefined;
  return m[2] ? { id, type: m[1] as string, name: m[2] } : { id, type: m[1] as string };
}
