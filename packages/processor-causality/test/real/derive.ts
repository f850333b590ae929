// Derives the mechanical part of a scenario's ground truth from its recording and (re)writes
// <scenario>/expected.json:
//   node --import tsx packages/processor-causality/test/real/derive.ts <scenario>... [--mark-open]
// Relations whose id starts with `m/` are written by hand (generations' writers, observer events…)
// and kept as they are; the summary is kept. `--mark-open` replays the recording through the current
// engine and marks each relation it gets wrong `open` (with its defect); the relations themselves
// never come from kspan's output. See README.md in this directory for the families.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, readCapture } from './corpus.js';
import { checkExpected, type Expected } from './expected.js';
import { Deriver } from './rules.js';
import { evaluate, SpanIndex, viewOf } from './relations.js';
import { replay } from '../helpers/run.js';

async function derive(scenario: string, markOpen: boolean): Promise<void> {
  const dir = join(CORPUS_DIR, scenario);
  const items = readCapture(join(dir, 'capture.ndjson'));
  const file = join(dir, 'expected.json');
  const old: Expected | undefined = existsSync(file)
    ? checkExpected(JSON.parse(readFileSync(file, 'utf8')), file)
    : undefined;
  const d = new Deriver(items);
  d.steps();
  d.pods();
  const manual = (old?.relations ?? []).filter((r) => r.id.startsWith('m/'));
  const relations = [...d.rels, ...manual];
  if (markOpen) {
    const index = new SpanIndex((await replay(items)).map(viewOf));
    for (const r of relations) {
      delete r.open;
      if (!evaluate(r, index).holds) r.open = r.defect;
    }
  } else for (const r of relations) r.open = old?.relations.find((x) => x.id === r.id)?.open;
  const out: Expected = { scenario, summary: old?.summary ?? 'TODO', relations };
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  const open = relations.filter((r) => r.open).length;
  console.log(
    `${scenario}: ${relations.length} relations (${manual.length} by hand), ${open} open`,
  );
  for (const w of d.warnings) console.log(`  warning: ${w}`);
}

const args = process.argv.slice(2);
for (const s of args.filter((a) => !a.startsWith('--')))
  await derive(s, args.includes('--mark-open'));
