import { escapeControlChars, escapeJsonText } from './terminal-text.js';

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
  /**
   * Writes what the rate limiters are holding back: for each key with suppressed entries, the last
   * of them with `suppressed` = how many others were not shown. Called on exit, so that every
   * entry is either shown or counted (shared by a logger and all its children).
   */
  flushSuppressed(): void;
}

/** One log entry as logged, before level filtering and rate limiting. */
export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  write?: (line: string) => void;
  now?: () => number;
  /** Sees every entry, at any level, rate-limited or not (e.g. to summarise what was skipped). */
  observe?: (entry: LogEntry) => void;
}

/** A rate limiter's state for one key: when it last let a line through, and what it held back since. */
interface RateLimit {
  last: number;
  suppressed: number;
  /** The last entry held back, to show on flush. */
  held?: { fields: LogFields | undefined; emit: (fields: LogFields | undefined) => void };
}

/** A logger writing one line per entry to stderr (text or JSON lines). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => Date.now());
  const format = options.format ?? 'text';
  const limits = new Map<string, RateLimit>();

  const make = (base: LogFields): Logger => {
    const emit = (lvl: LogLevel, msg: string, fields?: LogFields, at = now()) => {
      if (LEVELS[lvl] < level) return;
      const all = { ...base, ...fields };
      const time = new Date(at).toISOString();
      if (format === 'json') {
        write(escapeJsonText(JSON.stringify({ time, level: lvl, msg, ...all })));
        return;
      }
      // Values can come from the cluster or from input files: no control character reaches the
      // terminal or forges a log line.
      const extras = Object.entries(all)
        .map(
          ([k, v]) => `${k}=${escapeControlChars(typeof v === 'string' ? v : JSON.stringify(v))}`,
        )
        .join(' ');
      write(
        `${time} ${lvl.toUpperCase().padEnd(5)} ${escapeControlChars(msg)}${extras ? ' ' + extras : ''}`,
      );
    };
    const observed = (lvl: LogLevel, msg: string, fields?: LogFields) =>
      options.observe?.({ level: lvl, msg, fields: { ...base, ...fields } });
    const logged = (lvl: LogLevel) => (m: string, f?: LogFields) => {
      observed(lvl, m, f);
      emit(lvl, m, f);
    };
    const logger: Logger = {
      debug: logged('debug'),
      info: logged('info'),
      warn: logged('warn'),
      error: logged('error'),
      child: (fields) => make({ ...base, ...fields }),
      flushSuppressed: () => {
        for (const state of limits.values()) {
          const held = state.held;
          if (state.suppressed === 0 || !held) continue;
          const others = state.suppressed - 1;
          state.suppressed = 0;
          state.held = undefined;
          held.emit(others > 0 ? { ...held.fields, suppressed: others } : held.fields);
        }
      },
      rateLimited: (key, intervalMs = 10_000) => {
        const gate = (lvl: LogLevel) => (m: string, f?: LogFields) => {
          observed(lvl, m, f);
          const state = limits.get(key) ?? { last: -Infinity, suppressed: 0 };
          limits.set(key, state);
          const t = now();
          if (t - state.last < intervalMs) {
            state.suppressed++;
            // Shown on flush with its own time: the line says when it happened.
            state.held = { fields: f, emit: (fields) => emit(lvl, m, fields, t) };
            return;
          }
          const suppressed = state.suppressed;
          state.last = t;
          state.suppressed = 0;
          state.held = undefined;
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
