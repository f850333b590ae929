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
      args: joinNegativeValues(argv, options),
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

/**
 * `--width -5` → `--width=-5` (`-w -5` → `-w-5`): node:util would call a value starting with a dash "ambiguous";
 * a negative number is clearly a value, and then gets the option's own check and message.
 */
function joinNegativeValues(argv: string[], options: FlagSpec): string[] {
  const takesValue = (arg: string) =>
    Object.entries(options).some(
      ([name, o]) => o.type === 'string' && (arg === `--${name}` || arg === `-${o.short}`),
    );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`); // -w-5 for a short one
      i++;
    } else out.push(arg);
  }
  return out;
}
