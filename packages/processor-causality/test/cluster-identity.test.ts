import { expect } from 'chai';
import type { ClusterIdentity, WatchEvent } from '@kspan/core';
import { conformanceCases } from './helpers/conformance.js';
import { replay } from './helpers/run.js';

// Issue 14, item 2: spans say which cluster they are from, and the same input replayed as two
// clusters does not merge in a backend (trace ids differ when the cluster uids do).
describe('cluster identity on spans', () => {
  const c = conformanceCases().find((x) => x.name === 'deployment-2-pods')!;
  const as = (cluster: ClusterIdentity): WatchEvent[] =>
    c.items.map((i) => ({ ...i, cluster: Object.freeze(cluster) }));
  const traceIds = (spans: Awaited<ReturnType<typeof replay>>) =>
    new Set(spans.map((s) => s.spanContext().traceId));

  it('the same capture replayed as two clusters gives disjoint trace ids when the cluster uids differ', async () => {
    const a = await replay(as({ name: 'east', uid: 'uid-a' }));
    const b = await replay(as({ name: 'west', uid: 'uid-b' }));
    expect(a.length).to.be.greaterThan(3);
    expect(b.length).to.equal(a.length);
    const idsA = traceIds(a);
    const idsB = traceIds(b);
    expect([...idsA].filter((t) => idsB.has(t))).to.deep.equal([]);
    // span ids and the tree stay the same: only the trace (and so the backend identity) differs
    const spanIds = (s: typeof a) => s.map((x) => x.spanContext().spanId).sort();
    expect(spanIds(a)).to.deep.equal(spanIds(b));
  });

  it('the same cluster uid gives the same ids; no uid gives the ids kspan always made', async () => {
    const ids = (s: Awaited<ReturnType<typeof replay>>) =>
      s.map((x) => `${x.spanContext().traceId}/${x.spanContext().spanId}`).sort();
    const one = await replay(as({ name: 'east', uid: 'uid-a' }));
    const again = await replay(as({ name: 'renamed', uid: 'uid-a' }));
    expect(ids(again)).to.deep.equal(ids(one));
    const plain = await replay(c.items);
    const nameOnly = await replay(as({ name: 'east' }));
    expect(ids(nameOnly)).to.deep.equal(ids(plain));
    expect(ids(one)).to.not.deep.equal(ids(plain));
  });

  it('puts k8s.cluster.name and k8s.cluster.uid on every span resource, none without an identity', async () => {
    const spans = await replay(as({ name: 'east', uid: 'uid-a' }));
    for (const s of spans) {
      expect(s.resource.attributes['k8s.cluster.name'], s.name).to.equal('east');
      expect(s.resource.attributes['k8s.cluster.uid'], s.name).to.equal('uid-a');
      expect(s.resource.attributes['service.name'], s.name).to.be.a('string');
    }
    const plain = await replay(c.items);
    for (const s of plain) {
      expect(s.resource.attributes).to.not.have.property('k8s.cluster.name');
      expect(s.resource.attributes).to.not.have.property('k8s.cluster.uid');
    }
  });
});
