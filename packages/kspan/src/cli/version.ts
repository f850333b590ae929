import { readFileSync } from 'node:fs';

/** This distribution's version, from its package.json (next to dist/ when installed or built). */
export function kspanVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
