import { parse as parseYaml } from 'yaml';
import type { ConfigProblem } from '../errors.js';
import { joinPath } from './path.js';

// `$$` escapes a dollar; `${env:NAME}` and `${env:NAME:-default}` expand; any other `${...}` is an error.
const TOKEN_RE = /\$\$|\$\{([^}]*)\}|\$\{[^}]*$/g;
const ENV_RE = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export type Env = Record<string, string | undefined>;

/**
 * Expands environment references in every string of a parsed config, map keys included. A value that is exactly one
 * reference takes the type its text has in YAML (`${env:PORT}` → 4317), as the Collector does.
 */
export function expandEnv(value: unknown, env: Env, problems: ConfigProblem[], path = ''): unknown {
  if (typeof value === 'string') return expandString(value, env, problems, path);
  if (Array.isArray(value))
    return value.map((v, i) => expandEnv(v, env, problems, joinPath(path, i)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Keys expand too (a namespace or attribute name from the environment), always as text.
      const key = k.includes('$') ? String(expandString(k, env, problems, joinPath(path, k))) : k;
      out[key] = expandEnv(v, env, problems, joinPath(path, key));
    }
    return out;
  }
  return value;
}

function expandString(text: string, env: Env, problems: ConfigProblem[], path: string): unknown {
  let failed = false;
  let whole = false;
  const expanded = text.replace(TOKEN_RE, (token, body: string | undefined, offset: number) => {
    if (token === '$$') return '$';
    const m = body === undefined ? null : ENV_RE.exec(body);
    if (!m) {
      failed = true;
      problems.push({
        path,
        message: `bad env expansion "${token}": use \${env:NAME} or \${env:NAME:-default}`,
      });
      return token;
    }
    whole = offset === 0 && token.length === text.length;
    const name = m[1] as string;
    const fallback = m[2];
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    failed = true;
    problems.push({
      path,
      message: `environment variable ${name} is not set (give a default with \${env:${name}:-value})`,
    });
    return token;
  });
  if (failed || !whole) return expanded;
  try {
    const typed: unknown = parseYaml(expanded);
    return typed === null || typeof typed === 'object' ? expanded : typed;
  } catch {
    return expanded;
  }
}
