import { readFile, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { ComponentSpecs } from '../component.js';
import { ConfigError, KspanError, errorMessage, type ConfigProblem } from '../errors.js';
import { expandEnv, type Env } from './env.js';
import { validateConfig, type ResolvedConfig } from './validate.js';

/** Parses YAML text, expands `${env:…}`, validates: a ResolvedConfig or a ConfigError with every problem. */
export function loadConfigText<C extends ComponentSpecs>(
  text: string,
  components: C,
  options: { env?: Env; source?: string } = {},
): ResolvedConfig<C> {
  const source = options.source ?? 'config';
  if (text.length > MAX_CONFIG_BYTES)
    throw new ConfigError([{ path: '', message: tooLarge(text.length) }], source);
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

/** Larger than any real config (the demo is 2 KB); a bigger file is a mistake, refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads, parses and validates a config file. Only a regular file is read (a FIFO or a device would
 * block or never end) and only up to MAX_CONFIG_BYTES.
 */
export async function loadConfigFile<C extends ComponentSpecs>(
  file: string,
  components: C,
  options: { env?: Env } = {},
): Promise<ResolvedConfig<C>> {
  const unreadable = (why: string, cause?: unknown) =>
    new KspanError('CONFIG_READ', `cannot read config ${file}: ${why}`, { cause });
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw unreadable('not a regular file');
    if (info.size > MAX_CONFIG_BYTES) throw unreadable(tooLarge(info.size));
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof KspanError) throw err;
    throw unreadable(errorMessage(err), err);
  }
  return loadConfigText(text, components, { ...options, source: file });
}

function tooLarge(bytes: number): string {
  return `${bytes} bytes is larger than the ${MAX_CONFIG_BYTES}-byte limit for a config`;
}
