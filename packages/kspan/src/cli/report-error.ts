import { ConfigError, KspanError, escapeControlChars } from '@kspan/core/config';

/**
 * A command's error as the user sees it: one clear message, never a stack trace; returns the exit
 * code (config problems 1, usage and unreadable files 2, anything else 1).
 */
export function reportError(command: string, err: unknown): number {
  if (err instanceof ConfigError) {
    process.stderr.write(err.message + '\n');
    return 1;
  }
  if (err instanceof KspanError) {
    process.stderr.write(`${escapeControlChars(err.message)}\n`);
    return err.code === 'USAGE' || err.code === 'CONFIG_READ' ? 2 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kspan ${command}: ${escapeControlChars(message)}\n`);
  return 1;
}
