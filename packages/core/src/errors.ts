/** Stable error codes: callers branch on `code`, never on message text. */
export type KspanErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_READ'
  | 'CONFIG_PARSE'
  | 'INPUT_MALFORMED'
  | 'COMPONENT_FAILED'
  | 'EXPORT_FAILED'
  | 'SHUTDOWN_TIMEOUT'
  | 'USAGE';

/** The one base error of kspan: a stable `code` and the original `cause`. */
export class KspanError extends Error {
  readonly code: KspanErrorCode;

  constructor(code: KspanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KspanError';
    this.code = code;
  }
}

/** One problem found in a config, with the path of the value at fault (e.g. `receivers.k8s_events.namespaces[0]`). */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every problem of a config at once, so a user fixes them in one round. */
export class ConfigError extends KspanError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], source?: string) {
    const head = `${source ?? 'config'}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super('CONFIG_INVALID', [head, ...problems.map(formatProblem)].join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return p.path ? `  ${p.path}: ${p.message}` : `  ${p.message}`;
}

/** The message of anything thrown, for logs. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
