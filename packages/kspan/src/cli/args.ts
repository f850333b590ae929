import { parseArgs } from 'node:util';
import { usageError } from './usage-error.js';

/** The flags a command takes (all optional; positional arguments are allowed or not). */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export type FlagValues<O extends FlagSpec> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean;
} & { help?: boolean };

/** node:util parseArgs, with its errors turned into usage errors (exit 2, no stack trace). */
export function parseCommandArgs<O extends FlagSpec>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
): { values: FlagValues<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    return { values: parsed.values as FlagValues<O>, positionals: parsed.positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw usageError(`kspan ${command}: ${msg} (see kspan ${command} --help)`);
  }
}
