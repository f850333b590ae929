import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspan, kspanCasesDir, tempDir } from './helpers.js';

interface OtlpLine {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ traceId: string }> }>;
  }>;
}

// Issue 14, item 2, through the CLI: the same capture, recorded as two clusters (a `cluster` key
// on each line, as `kspan capture` writes it), replays to disjoint trace ids and says which cluster
// on every span; without a recorded identity the ids are the ones the capture always gave.
describe('kspan replay of one capture as two clusters', () => {
  const original = readFileSync(
    join(kspanCasesDir(), 'deployment-2-pods', 'capture.ndjson'),
    'utf8',
  );
  const dir = tempDir();
  const asCluster = (name: string, uid: string) => {
    const file = join(dir, `${name}.ndjson`);
    const lines = original
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.stringify({ ...JSON.parse(l), cluster: { name, uid } }));
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const replay = (file: string) => {
    const r = kspan(['replay', file, '--format', 'otlp-json', '--strict']);
    expect(r.status, r.stderr).to.equal(0);
    const traces = new Set<string>();
    const clusters = new Set<string>();
    for (const line of r.stdout.split('\n').filter((l) => l.trim() !== '')) {
      for (const rs of (JSON.parse(line) as OtlpLine).resourceSpans) {
        const attr = (k: string) =>
          rs.resource.attributes.find((a) => a.key === k)?.value.stringValue ?? '-';
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) {
            traces.add(s.traceId);
            clusters.add(`${attr('k8s.cluster.name')}/${attr('k8s.cluster.uid')}`);
          }
      }
    }
    return { traces, clusters };
  };

  it('gives disjoint trace ids when the cluster uids differ, and each span its cluster', function () {
    this.timeout(60_000);
    const east = replay(asCluster('east', '0c7e0000-0000-4000-8000-00000000000e'));
    const west = replay(asCluster('west', '0c7e0000-0000-4000-8000-00000000000f'));
    expect(east.traces.size).to.be.greaterThan(0);
    expect(west.traces.size).to.equal(east.traces.size);
    expect([...east.traces].filter((t) => west.traces.has(t))).to.deep.equal([]);
    expect([...east.clusters]).to.deep.equal(['east/0c7e0000-0000-4000-8000-00000000000e']);
    expect([...west.clusters]).to.deep.equal(['west/0c7e0000-0000-4000-8000-00000000000f']);
    const plain = replay(join(kspanCasesDir(), 'deployment-2-pods', 'capture.ndjson'));
    expect([...plain.clusters]).to.deep.equal(['-/-']);
    expect([...plain.traces].filter((t) => east.traces.has(t))).to.deep.equal([]);
  });
});
