export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `component` (and any other fields given). */
  child(fields: LogFields): Logger;
  /**
   * Logs at most once per `intervalMs` for a given key, and says how many lines were suppressed:
   * a flood of bad items must not flood the log.
   */
  rateLimited(key: string, intervalMs?: number): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  write?: (line: string) => void;
  now?: () => number;
}

/** A logger writing one line per entry to stderr (text or JSON lines). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => Date.now());
  const format = options.format ?? 'text';
  const limits = new Map<string, { last: number; suppressed: number }>();

  const make = (base: LogFields): Logger => {
    const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
      if (LEVELS[lvl] < level) return;
      const all = { ...base, ...fields };
      const time = new Date(now()).toISOString();
      if (format === 'json') {
        write(JSON.stringify({ time, level: lvl, msg, ...all }));
        return;
      }
      const extras = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${time} ${lvl.toUpperCase().padEnd(5)} ${msg}${extras ? ' ' + extras : ''}`);
    };
    const logger: Logger = {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
      rateLimited: (key, intervalMs = 10_000) => {
        const gate = (lvl: LogLevel) => (m: string, f?: LogFields) => {
          const state = limits.get(key) ?? { last: -Infinity, suppressed: 0 };
          limits.set(key, state);
          const t = now();
          if (t - state.last < intervalMs) {
            state.suppressed++;
            return;
          }
          const suppressed = state.suppressed;
          state.last = t;
          state.suppressed = 0;
          emit(lvl, m, suppressed > 0 ? { ...f, suppressed } : f);
        };
        return {
          ...logger,
          debug: gate('debug'),
          info: gate('info'),
          warn: gate('warn'),
          error: gate('error'),
        };
      },
    };
    return logger;
  };
  return make({});
}

/** A logger that drops everything (for embedding and tests). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
