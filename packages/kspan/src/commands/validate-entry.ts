import { reportError } from '../cli/report-error.js';
import { validateCommand } from './validate.js';

/**
 * `kspan validate` with its errors reported: the entry point of the one-file bundle the build makes
 * (scripts/bundle-commands.mjs → dist/commands/validate.bundle.js). The bundle holds its own copy
 * of the error classes, so its errors are reported from inside it.
 */
export async function validateEntry(argv: string[]): Promise<number> {
  try {
    return await validateCommand(argv);
  } catch (err) {
    return reportError('validate', err);
  }
}
