import { MAIN_HELP } from './cli/help.js';
import { kspanVersion } from './cli/version.js';

type Command = (argv: string[]) => number | Promise<number>;

// Each command loads its modules only when it runs: `kspan --help` and `--version` answer without
// loading a component package (start-up time, issue 15).
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  components: async () => (await import('./commands/components.js')).componentsCommand,
  replay: async () => (await import('./commands/replay.js')).replayCommand,
  capture: async () => (await import('./commands/capture.js')).captureCommand,
  'print-schema': async () => (await import('./commands/print-schema.js')).printSchemaCommand,
};

/**
 * True when `argv` names a command that runs exporters (`run`, `replay`); not help, version, a
 * typo, or a command that only reads configs (`validate` loads no component runtime).
 */
export function runsExporters(argv: string[]): boolean {
  return argv[0] === 'run' || argv[0] === 'replay';
}

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
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(
      `kspan: unknown command "${name}" (commands: ${[...Object.keys(COMMANDS), 'version'].join(', ')})\n`,
    );
    return 2;
  }
  const { ConfigError, KspanError, escapeControlChars } = await import('@kspan/core/config');
  try {
    return await (
      await load()
    )(rest);
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
