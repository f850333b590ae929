import { ConfigError, KspanError, escapeControlChars } from '@kspan/core';
import { MAIN_HELP } from './cli/help.js';
import { kspanVersion } from './cli/version.js';
import { captureCommand } from './commands/capture.js';
import { componentsCommand } from './commands/components.js';
import { printSchemaCommand } from './commands/print-schema.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  run: runCommand,
  validate: validateCommand,
  components: componentsCommand,
  replay: replayCommand,
  capture: captureCommand,
  'print-schema': printSchemaCommand,
};

/** The kspan CLI; returns the exit code. Errors become one clear message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`kspan ${kspanVersion()} (node ${process.versions.node})\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(
      `kspan: unknown command "${name}" (commands: ${[...Object.keys(COMMANDS), 'version'].join(', ')})\n`,
    );
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      return 1;
    }
    if (err instanceof KspanError) {
      process.stderr.write(`${escapeControlChars(err.message)}\n`);
      return err.code === 'USAGE' || err.code === 'CONFIG_READ' ? 2 : 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`kspan ${name}: ${escapeControlChars(message)}\n`);
    return 1;
  }
}
