// Prints a recording as the ground truth is read from it: every Event occurrence in name-time
// order (time below the second, whole second, count, object, uid, message) and every owner
// object's versions (generation, spec writers from managedFields). For reviewing expected.json:
//   node --import tsx packages/processor-causality/test/real/show.ts <scenario>
import { join } from 'node:path';
import { CORPUS_DIR, readCapture } from './corpus.js';
import { objects, occurrences } from './analysis.js';

for (const scenario of process.argv.slice(2)) {
  const items = readCapture(join(CORPUS_DIR, scenario, 'capture.ndjson'));
  console.log(`# ${scenario}: ${items.length} items\n## occurrences`);
  for (const o of occurrences(items)) {
    const t = new Date(Number(o.at / 1_000_000n)).toISOString().slice(11, 23);
    const sub = String(o.at % 1_000_000n).padStart(6, '0');
    console.log(
      `${t}${sub} s${o.second % 100} ${o.name} #${o.count} ${o.component} ${o.kind}/${o.objName} uid:${o.objUid.slice(0, 8)} ${o.reason}: ${o.message}`,
    );
  }
  console.log('## objects');
  for (const h of objects(items)) {
    const own = h.owner ? ` owner ${h.owner.kind}/${h.owner.name}` : '';
    console.log(
      `${h.kind}/${h.name} uid:${h.uid.slice(0, 8)} created ${h.created}${own}${h.deleted ? ' (deleted)' : ''}`,
    );
    if (h.kind === 'Pod') continue;
    let prev = '';
    for (const v of h.versions) {
      const ann = v.meta.annotations ?? {};
      const rev = ann['deployment.kubernetes.io/revision'] ?? '';
      const desired = ann['deployment.kubernetes.io/desired-replicas'] ?? '';
      const line = `  gen ${v.generation} rev ${rev} desired ${desired} writers ${v.specWriters.join(' ')}`;
      if (line !== prev) console.log(`  ${v.type} ${line.trim()}`);
      prev = line;
    }
  }
}
