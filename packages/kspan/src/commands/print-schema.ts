import { buildConfigSchema } from '@kspan/core/config';
import { componentSpecs } from '../component-specs.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';

/** `kspan print-schema`: the whole config JSON Schema, for editors (yaml-language-server). */
export function printSchemaCommand(argv: string[]): number {
  const { values } = parseCommandArgs('print-schema', argv, {});
  if (values.help) {
    process.stdout.write(COMMAND_HELP['print-schema'] ?? '');
    return 0;
  }
  process.stdout.write(JSON.stringify(buildConfigSchema(componentSpecs), null, 2) + '\n');
  return 0;
}
