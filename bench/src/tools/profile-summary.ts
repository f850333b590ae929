// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file, and
// total (inclusive) time of the heaviest frames. Usage:
//   node --import tsx bench/src/tools/profile-summary.ts FILE.cpuprofile [--top 30] [--under NAME]
// `--under NAME` keeps only samples whose stack contains a function called NAME (e.g. replayEncode).
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!file) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [--top N] [--under FUNCTION]');
  process.exit(2);
}
const top = Number(flag('--top') ?? 30);
const under = flag('--under');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function where(f: CallFrame): string {
  const url = f.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/(packages\/[^/]+|bench)\/(?:dist|src)\/(.*)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url || `(${f.functionName || 'native'})`;
}
function label(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'}  ${where(f)}:${f.lineNumber + 1}`;
}

const self = new Map<string, number>();
const byPlace = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const stack: CallFrame[] = [];
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const node = byId.get(n);
    if (node) stack.push(node.callFrame);
  }
  if (under && !stack.some((f) => f.functionName === under)) return;
  total += dt;
  const leaf = stack[0];
  if (!leaf) return;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const place = leaf.url
    ? where(leaf).replace(/\/[^/]*$/, (m) => (m.includes('.') ? m : m))
    : '(native/gc)';
  byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
  for (const l of new Set(stack.map(label))) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
});

const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((v / total) * 100).toFixed(1).padStart(6)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled${under ? ` under ${under}` : ''}`);
show('self time by function', self);
show('self time by file', byPlace);
show('total (inclusive) time by function', inclusive);
