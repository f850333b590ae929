import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { Components } from '../component.js';
import { ConfigError, KspanError, errorMessage, type ConfigProblem } from '../errors.js';
import { expandEnv, type Env } from './env.js';
import { validateConfig, type ResolvedConfig } from './validate.js';

/** Parses YAML text, expands `${env:…}`, validates: a ResolvedConfig or a ConfigError with every problem. */
export function loadConfigText(
  text: string,
  components: Components,
  options: { env?: Env; source?: string } = {},
): ResolvedConfig {
  const source = options.source ?? 'config';
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
      source,
    );
  }
  const problems: ConfigProblem[] = [];
  const expanded = expandEnv(doc.toJS(), options.env ?? process.env, problems);
  try {
    const resolved = validateConfig(expanded, components, source);
    if (problems.length > 0) throw new ConfigError(problems, source);
    return resolved;
  } catch (err) {
    if (err instanceof ConfigError && problems.length > 0 && err.problems !== problems) {
      throw new ConfigError([...problems, ...err.problems], source);
    }
    throw err;
  }
}

export async function loadConfigFile(
  file: string,
  components: Components,
  options: { env?: Env } = {},
): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new KspanError('CONFIG_READ', `cannot read config ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return loadConfigText(text, components, { ...options, source: file });
}
