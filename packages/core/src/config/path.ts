/** Joins config path segments the way users read them: `a.b[0].c`. */
export function joinPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  return base ? `${base}.${segment}` : segment;
}

/** Turns an ajv instancePath (`/namespaces/0`) into our form under `base`. */
export function fromPointer(base: string, pointer: string): string {
  let path = base;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(seg) ? joinPath(path, Number(seg)) : joinPath(path, seg);
  }
  return path;
}
