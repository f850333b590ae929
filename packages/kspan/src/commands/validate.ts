import { ConfigError, loadConfigFile } from '@kspan/core/config';
import { componentSpecs } from '../component-specs.js';
import { usePrecompiledConfigChecks } from '../precompiled-checks.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';
import { usageError } from '../cli/usage-error.js';

/** `kspan validate`: every problem with its path, exit 1 if any. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('validate', argv, { config: { type: 'string', short: 'c' } });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.validate ?? '');
    return 0;
  }
  if (!values.config) throw usageError('kspan validate: --config FILE is required');
  await usePrecompiledConfigChecks(componentSpecs);
  try {
    const config = await loadConfigFile(values.config, componentSpecs);
    const n = config.pipelines.length;
    process.stdout.write(`${values.config}: valid (${n} pipeline${n === 1 ? '' : 's'})\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      return 1;
    }
    throw err;
  }
}
