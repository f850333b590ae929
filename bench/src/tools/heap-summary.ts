// Compares two V8 heap snapshots (e.g. from figures/heap.ts with "snapshotDir"): retained self
// size and count by node type and constructor/name, largest growth first. Usage:
//   node --import tsx bench/src/tools/heap-summary.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top 30]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function aggregate(file: string): Map<string, { size: number; count: number }> {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const n = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += n) {
    const type = types[s.nodes[i + iType] as number] ?? '?';
    let name = s.strings[s.nodes[i + iName] as number] ?? '?';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string')
      name = '(string)';
    else if (type === 'number') name = '(heap number)';
    else if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}: ${name}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + iSize] as number;
    e.count++;
    out.set(key, e);
  }
  return out;
}

const args = process.argv.slice(2);
const [beforeFile, afterFile] = args.filter((a) => !a.startsWith('--'));
const ti = args.indexOf('--top');
const top = ti >= 0 ? Number(args[ti + 1]) : 30;
if (!beforeFile || !afterFile) {
  console.error('usage: heap-summary.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top N]');
  process.exit(2);
}
const before = aggregate(beforeFile);
const after = aggregate(afterFile);
const rows = [...after].map(([k, a]) => {
  const b = before.get(k) ?? { size: 0, count: 0 };
  return { k, size: a.size - b.size, count: a.count - b.count };
});
const total = rows.reduce((s, r) => s + r.size, 0);
console.log(`growth: ${(total / 2 ** 20).toFixed(1)} MiB`);
for (const r of rows.sort((x, y) => y.size - x.size).slice(0, top))
  console.log(
    `${((r.size / total) * 100).toFixed(1).padStart(6)}%  ${(r.size / 2 ** 20).toFixed(1).padStart(7)} MiB  ${String(r.count).padStart(9)} ×  ${(r.size / Math.max(1, r.count)).toFixed(0).padStart(5)} B  ${r.k}`,
  );
