// Keeps a scenario's own items from a raw `kspan capture` (stdin → stdout, capture lines unchanged):
//   node filter-capture.mjs <namespace> [node…] < raw.ndjson
// everything in the namespace, kwok-node-0 and the scenario's own nodes (argv after the namespace),
// and the Events about those nodes (namespace default). A Node MODIFIED that changes nothing but resourceVersion
// and managedFields times (KWOK's heartbeats) is dropped: it says nothing about causes.
import { createInterface } from 'node:readline';

const [ns, ...nodes] = process.argv.slice(2);
if (!ns) throw new Error('usage: filter-capture.mjs <namespace> [node…] < raw.ndjson');
const ourNode = (name) => name === 'kwok-node-0' || nodes.includes(name);
const lastNode = new Map();

/** A Node's metadata without what every heartbeat changes. */
function nodeShape(object) {
  const { resourceVersion: _rv, managedFields, ...rest } = object.metadata;
  return JSON.stringify({ ...rest, managers: (managedFields ?? []).map((f) => f.manager) });
}

function keep(item) {
  const o = item.object;
  const meta = o.metadata ?? {};
  if (o.kind === 'Event') {
    if (meta.namespace === ns) return true;
    return o.involvedObject?.kind === 'Node' && ourNode(o.involvedObject.name ?? '');
  }
  if (o.kind === 'Node') {
    if (!ourNode(meta.name ?? '')) return false;
    const shape = nodeShape(o);
    if (item.type === 'MODIFIED' && lastNode.get(meta.name) === shape) return false;
    lastNode.set(meta.name, shape);
    return true;
  }
  return meta.namespace === ns;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() && keep(JSON.parse(line))) process.stdout.write(line + '\n');
}
