// Writes a synthetic capture file (kspan's capture format, NDJSON) for replays and experiments:
//   node --import tsx bench/src/gen.ts --events 10000 [--seed 1] [--shape metadata|full|status]
//        [--rate 1000] [--late 0.05] [--max-delay-ms 3000] [--out FILE]
//   node --import tsx bench/src/gen.ts --cluster-pods 150000 [--out FILE]   (owner graph only)
// Without --out the lines go to stdout. The same options and seed give the same bytes.
import { createWriteStream } from 'node:fs';
import { clusterState, workload, type ObjectShape } from './workload/index.js';

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const USAGE =
  'usage: gen.ts (--events N | --cluster-pods N) [--seed S] [--shape metadata|full|status] [--rate R] [--late P] [--max-delay-ms MS] [--out FILE]';
const num = (name: string) => {
  const v = option(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: not a number: ${v}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};

const events = num('events');
const pods = num('cluster-pods');
const seed = num('seed');
const shape = (option('shape') ?? 'metadata') as ObjectShape;
if (
  (events === undefined) === (pods === undefined) ||
  !['metadata', 'full', 'status'].includes(shape)
) {
  console.error(USAGE);
  process.exit(2);
}
const items =
  pods !== undefined
    ? clusterState({ pods, shape, ...(seed !== undefined ? { seed } : {}) })
    : workload({
        events: events ?? 0,
        shape,
        ...(seed !== undefined ? { seed } : {}),
        ...(num('rate') !== undefined ? { ratePerSecond: num('rate') } : {}),
        ...(num('late') !== undefined ? { lateShare: num('late') } : {}),
        ...(num('max-delay-ms') !== undefined ? { maxDelayMs: num('max-delay-ms') } : {}),
      });

const file = option('out');
const out = file ? createWriteStream(file) : process.stdout;
let buffer: string[] = [];
const flush = (): Promise<void> =>
  new Promise((resolve) => {
    const text = buffer.join('');
    buffer = [];
    if (out.write(text)) resolve();
    else out.once('drain', resolve);
  });
for (const ev of items) {
  buffer.push(JSON.stringify(ev) + '\n');
  if (buffer.length >= 1000) await flush();
}
await flush();
if (file) out.end();
