import type { AnySpec } from '@kspan/core/config';
import { componentSpecs } from '../component-specs.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';

interface Row {
  kind: string;
  type: string;
  stability: string;
  consumes: string;
  produces: string;
  description: string;
}

function row(f: AnySpec): Row {
  return {
    kind: f.kind,
    type: f.type,
    stability: f.stability,
    consumes: 'consumes' in f ? f.consumes : '-',
    produces: 'produces' in f ? f.produces : f.kind === 'exporter' ? '(backend)' : '-',
    description: f.description,
  };
}

/** `kspan components`: what this distribution offers. */
export function componentsCommand(argv: string[]): number {
  const { values } = parseCommandArgs('components', argv, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.components ?? '');
    return 0;
  }
  const rows = [
    ...componentSpecs.receivers,
    ...componentSpecs.processors,
    ...componentSpecs.exporters,
  ].map(row);
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const head: Row = {
    kind: 'KIND',
    type: 'TYPE',
    stability: 'STABILITY',
    consumes: 'CONSUMES',
    produces: 'PRODUCES',
    description: 'DESCRIPTION',
  };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const cols: Array<keyof Row> = ['kind', 'type', 'stability', 'consumes', 'produces'];
  for (const r of all) {
    process.stdout.write(
      cols.map((k) => r[k].padEnd(w(k))).join('  ') + '  ' + r.description + '\n',
    );
  }
  return 0;
}
