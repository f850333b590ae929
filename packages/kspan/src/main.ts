import { MAIN_HELP } from './cli/help.js';
import { kspanVersion } from './cli/version.js';
import { endQuietlyWhenExporterSeesClosedStdout } from './cli/closed-output.js';

type Command = (argv: string[]) => number | Promise<number>;

// Each command loads its modules only when it runs: `kspan --help` and `--version` answer without
// loading a component package (start-up time, issue 15).
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: withGeneratedChecks(async () => {
    await endQuietlyWhenExporterSeesClosedStdout();
    return (await import('./commands/run.js')).runCommand;
  }),
  validate: () =>
    loadBundled(
      VALIDATE_BUNDLE,
      async () => import('./commands/validate-entry.js'),
      'validateEntry',
    ),
  components: async () => (await import('./commands/components.js')).componentsCommand,
  replay: () =>
    loadBundled(REPLAY_BUNDLE, async () => import('./commands/replay-entry.js'), 'replayEntry'),
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

// Built by scripts/bundle-commands.mjs next to the entries they bundle (not in the sources, nor in
// the published package: then the unbundled modules answer the same).
const VALIDATE_BUNDLE = './commands/validate.bundle.js';
const REPLAY_BUNDLE = './commands/replay-bundle/replay-entry.js';

/**
 * A command from its bundle when the build made one, else from its unbundled entry module (the same
 * code): loading a few files instead of some 400 modules (TypeBox, yaml, RxJS, the engine) halves
 * validate's start-up time and takes ~0.35 CPU-s off every replay (issue 15).
 */
async function loadBundled(
  bundle: string,
  unbundled: () => Promise<Record<string, unknown>>,
  name: string,
): Promise<Command> {
  let entry: Record<string, unknown>;
  try {
    entry = (await import(bundle)) as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    entry = await unbundled();
  }
  return entry[name] as Command;
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
