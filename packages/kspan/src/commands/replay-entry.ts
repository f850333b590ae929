import { endQuietlyWhenExporterSeesClosedStdout } from '../cli/closed-output.js';
import { reportError } from '../cli/report-error.js';
import { componentSpecs } from '../component-specs.js';
import { usePrecompiledConfigChecks } from '../precompiled-checks.js';
import { replayCommand } from './replay.js';

/**
 * `kspan replay` with all it needs set up first — the generated config checks, the quiet end on a
 * closed standard output — and its errors reported: the entry point of the bundle the build makes
 * (scripts/bundle-commands.mjs → dist/commands/replay-bundle/). The bundle holds its own copy of
 * every package, so these are set up, and its errors reported, from inside it.
 */
export async function replayEntry(argv: string[]): Promise<number> {
  try {
    await usePrecompiledConfigChecks(componentSpecs);
    await endQuietlyWhenExporterSeesClosedStdout();
    return await replayCommand(argv);
  } catch (err) {
    return reportError('replay', err);
  }
}
