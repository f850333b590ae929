import { MAIN_HELP } from './cli/help.js';
import { kspanVersion } from './cli/version.js';

type Command = (argv: string[]) => number | Promise<number>;

// Each command loads its modules only when it runs: `kspan --help` and `--version` answer without
// loading a component package (start-up time, issue 15).
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: withGeneratedChecks(async () => (await import('./commands/run.js')).runCommand),
  validate: loadValidate,
  components: async () => (await import('./commands/components.js')).componentsCommand,
  replay: withGeneratedChecks(async () => (await import('./commands/replay.js')).replayCommand),
  capture: withGeneratedChecks(async () => (await import('./commands/capture.js')).captureCommand),
  'print-schema': async () => (await import('./commands/print-schema.js')).printSchemaCommand,
};

/**
 * A command that checks a config, with the checks the build generated in place (as `validate` has):
 * no ajv compile at start, and in the image, whose one-file bundle cannot carry ajv's run-time
 * loader, the only way its configs are checked.
 */
function withGeneratedChecks(load: () => Promise<Command>): () => Promise<Command> {
  return async () => {
    const [{ usePrecompiledConfigChecks }, { componentSpecs }] = await Promise.all([
      import('./precompiled-checks.js'),
      import('./component-specs.js'),
    ]);
    await usePrecompiledConfigChecks(componentSpecs);
    return load();
  };
}

// Built next to dist/commands/validate-entry.js by scripts/bundle-validate.mjs (not in the sources,
// nor in the published package: then the unbundled modules answer the same).
const VALIDATE_BUNDLE = './commands/validate.bundle.js';

/**
 * `kspan validate` from its one-file bundle when the build made one: loading one file instead of
 * some 400 modules (TypeBox, yaml, the config checker) halves its start-up time (issue 15).
 */
async function loadValidate(): Promise<Command> {
  try {
    return ((await import(VALIDATE_BUNDLE)) as { validateEntry: Command }).validateEntry;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return (await import('./commands/validate-entry.js')).validateEntry;
  }
}

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
  try {
    return await (
      await load()
    )(rest);
  } catch (err) {
    // loaded only now: `--help` and the bundled `validate` need none of @kspan/core
    return (await import('./cli/report-error.js')).reportError(name, err);
  }
}
