import { expect } from 'chai';
import { Interner } from '../src/intern.js';
import { OwnerGraph } from '../src/owner-graph.js';
import type { ManagedFieldsEntry } from '@kspan/core';
import { obj, uidOf } from '@kspan/testing';

const graph = (over: Partial<{ maxObjects: number; tombstoneTtlUs: number }> = {}) =>
  new OwnerGraph(
    {
      maxObjects: 1000,
      tombstoneTtlUs: 60e6,
      traceparentAnnotation: 'kspan.io/traceparent',
      ...over,
    },
    new Interner(),
  );
const none = () => false;

describe('owner graph', () => {
  it('walks controller owners up to the top', () => {
    const g = graph();
    const d = obj('Deployment', 'web', { generation: 3 });
    const rs = obj('ReplicaSet', 'web-5d8f9c7b6d', {
      owner: { kind: 'Deployment', name: 'web', uid: uidOf(d) },
    });
    const p = obj('Pod', 'web-5d8f9c7b6d-b2c4d', {
      owner: { kind: 'ReplicaSet', name: 'web-5d8f9c7b6d', uid: uidOf(rs) },
    });
    for (const w of [p, rs, d]) g.apply(w.type, w.object, 0, undefined); // any order
    const chain = g.chain('Pod', 'default', 'web-5d8f9c7b6d-b2c4d', uidOf(p), none);
    expect(chain.map((a) => `${a.kind}/${a.name}/${a.via}`)).to.deep.equal([
      'ReplicaSet/web-5d8f9c7b6d/graph',
      'Deployment/web/graph',
    ]);
    expect(chain[1]!.record?.generation).to.equal(3);
  });

  it('keeps deleted objects as tombstones for the TTL, then forgets them', () => {
    const g = graph({ tombstoneTtlUs: 60e6 });
    const rs = obj('ReplicaSet', 'web-5d8f9c7b6d');
    g.apply('ADDED', rs.object, 0, undefined);
    g.apply('DELETED', rs.object, 10e6, undefined);
    expect(
      g.chain('Pod', 'default', 'web-5d8f9c7b6d-b2c4d', '', none).map((a) => a.via),
    ).to.deep.equal(['name']);
    g.sweep(50e6);
    expect(g.lookup(uidOf(rs), 'ReplicaSet/default/web-5d8f9c7b6d')).to.not.equal(undefined);
    g.sweep(80e6);
    expect(g.lookup(uidOf(rs), 'ReplicaSet/default/web-5d8f9c7b6d')).to.equal(undefined);
    expect(g.counters.expired).to.equal(1);
  });

  it('guesses owners by name only when the guess is known (object or named by an event)', () => {
    const g = graph();
    expect(g.chain('Pod', 'default', 'web-5d8f9c7b6d-b2c4d', '', none)).to.deep.equal([]);
    const named = (key: string) => key === 'ReplicaSet/default/web-5d8f9c7b6d';
    expect(
      g.chain('Pod', 'default', 'web-5d8f9c7b6d-b2c4d', '', named).map((a) => a.key),
    ).to.deep.equal(['ReplicaSet/default/web-5d8f9c7b6d']);
    const sts = obj('StatefulSet', 'db');
    g.apply('ADDED', sts.object, 0, undefined);
    expect(g.chain('Pod', 'default', 'db-12', '', none).map((a) => a.key)).to.deep.equal([
      'StatefulSet/default/db',
    ]);
    // "web-abc" has characters outside Kubernetes' generated-name alphabet: no guess.
    expect(g.chain('Pod', 'default', 'web-aeiou', '', () => true)).to.deep.equal([]);
  });

  it('records the newest spec writer and the generation in force at a time', () => {
    const g = graph();
    const d1 = obj('Deployment', 'web', {
      generation: 1,
      specWriter: { manager: 'kubectl', at: 0 },
    });
    g.apply('ADDED', d1.object, 0, undefined);
    const d2 = obj('Deployment', 'web', {
      uid: uidOf(d1),
      generation: 2,
      specWriter: { manager: 'helm', at: 100 },
    });
    g.apply('MODIFIED', d2.object, 0, undefined);
    const rec = g.lookup(uidOf(d1), '')!;
    expect(rec).to.include({ specManager: 'helm', specOperation: 'Update', generation: 2 });
    expect(rec.generationAt(rec.specTime - 1)).to.equal(1);
    expect(rec.generationAt(rec.specTime)).to.equal(2);
  });

  it('credits a scale through the subresource (whose entry has no time) to its manager', () => {
    const g = graph();
    const d1 = obj('Deployment', 'web', {
      generation: 1,
      specWriter: { manager: 'kubectl-client-side-apply', at: 0 },
    });
    g.apply('ADDED', d1.object, 10e6, undefined);
    // What the API server stores after `kubectl scale`: the apply entry keeps its old time, the
    // scale entry (subresource scale) has none.
    const scaled = obj('Deployment', 'web', {
      uid: uidOf(d1),
      generation: 2,
      specWriter: { manager: 'kubectl-client-side-apply', at: 0 },
    });
    const mf = scaled.object.metadata!.managedFields!;
    mf.unshift({
      manager: 'kubectl',
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': {} },
    });
    const seenUs = Date.parse(String(mf[1]!.time)) * 1e3 + 90e6;
    g.apply('MODIFIED', scaled.object, seenUs, seenUs);
    const rec = g.lookup(uidOf(d1), '')!;
    expect(rec).to.include({ specManager: 'kubectl', specOperation: 'Update', generation: 2 });
    expect(rec.specTime).to.equal(Math.floor(seenUs / 1e6) * 1e6);
    // Later updates of the same generation (status, controller writes) still list the old timed
    // writer first; the author stays the scale.
    g.apply('MODIFIED', scaled.object, seenUs + 1e6, seenUs + 1e6);
    expect(rec).to.include({ specManager: 'kubectl' });

    // An untimed entry does not override a timed writer of the same change.
    const g2 = graph();
    g2.apply('ADDED', d1.object, 10e6, undefined);
    const applied = obj('Deployment', 'web', {
      uid: uidOf(d1),
      generation: 2,
      specWriter: { manager: 'helm', at: 90 },
    });
    applied.object.metadata!.managedFields!.push({
      manager: 'kubectl',
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': {} },
    });
    const at90 = Date.parse(String(applied.object.metadata!.managedFields![0]!.time)) * 1e3;
    g2.apply('MODIFIED', applied.object, at90, at90);
    expect(g2.lookup(uidOf(d1), '')!).to.include({ specManager: 'helm' });
  });

  it('two generations written in one second (set image, then scale): each from its own item, below the second', () => {
    // As recorded in test/real/two-changes-one-second: generation 2 (kubectl-set, timed) seen at
    // .075, the controller's status write of generation 2 at .152, generation 3 (kubectl via the
    // scale subresource, untimed) at .169, then more status writes of generation 3.
    const g = graph();
    const base = Date.parse('2024-03-01T10:00:00Z') * 1e3;
    const s = base + 100e6;
    const v1 = obj('Deployment', 'web', {
      generation: 1,
      specWriter: { manager: 'kubectl-create', at: 0 },
    });
    g.apply('ADDED', v1.object, base, base);
    const v2 = obj('Deployment', 'web', {
      uid: uidOf(v1),
      generation: 2,
      specWriter: { manager: 'kubectl-set', at: 100 },
    });
    v2.object.metadata!.managedFields!.push(v1.object.metadata!.managedFields![0]!);
    g.apply('MODIFIED', v2.object, s + 75e3, s + 75e3);
    g.apply('MODIFIED', v2.object, s + 152e3, s + 152e3);
    const v3 = structuredClone(v2);
    v3.object.metadata!.generation = 3;
    v3.object.metadata!.managedFields!.unshift({
      manager: 'kubectl',
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    g.apply('MODIFIED', v3.object, s + 169e3, s + 169e3);
    g.apply('MODIFIED', v3.object, s + 199e3, s + 199e3);
    const rec = g.lookup(uidOf(v1), '')!;
    // The gen-2 step (.084) and the gen-3 step (.169) of the recording.
    expect(rec.generationAt(s + 84e3)).to.equal(2);
    expect(rec.generationAt(s + 169_215)).to.equal(3);
    expect(rec.generationAt(s - 1)).to.equal(1);
    expect(rec.writerOf(2).manager).to.equal('kubectl-set');
    // The later status write still lists kubectl-set (timed, same second) first: not the author.
    expect(rec.writerOf(3).manager).to.equal('kubectl');
  });

  /**
   * A Deployment whose generations 2 and 3 are written in the second of `base + 100 s`, each item
   * listing the managedFields entries `entries(g)` (timed ones at that second), seen 0.4 s apart and
   * once more after; the writers the graph records for generations 1-3.
   */
  function writersOf(
    firstWriter: { manager: string; at: number },
    entries: (g: 2 | 3, timed: (manager: string) => ManagedFieldsEntry) => ManagedFieldsEntry[],
  ): string[] {
    const g = graph();
    const base = Date.parse('2024-03-01T10:00:00Z') * 1e3;
    const v1 = obj('Deployment', 'web', { generation: 1, specWriter: firstWriter });
    g.apply('ADDED', v1.object, base + 100.1e6, base + 100.1e6);
    const timed = (manager: string): ManagedFieldsEntry =>
      obj('Deployment', 'web', { specWriter: { manager, at: 100 } }).object.metadata!
        .managedFields![0]!;
    for (const [gen, at] of [
      [2, 100.4],
      [3, 100.8],
      [3, 101.2],
    ] as const) {
      const v = structuredClone(v1);
      v.object.metadata!.generation = gen;
      v.object.metadata!.managedFields = entries(gen, timed);
      g.apply('MODIFIED', v.object, base + at * 1e6, base + at * 1e6);
    }
    const rec = g.lookup(uidOf(v1), '')!;
    return [1, 2, 3].map((n) => rec.writerOf(n).manager);
  }

  it('two managers writing generations in one second: the new one is the author, in either listing order', () => {
    // managedFields times are whole seconds: `kubectl set image` then `kubectl patch` in one
    // second list both entries with the same time (seen live on the e2e cluster).
    for (const patchFirst of [true, false]) {
      const writers = writersOf({ manager: 'kubectl-create', at: 0 }, (gen, timed) => {
        if (gen === 2) return [timed('kubectl-set')];
        const both = [timed('kubectl-patch'), timed('kubectl-set')];
        return patchFirst ? both : both.reverse();
      });
      expect(writers, `patch listed first: ${patchFirst}`).to.deep.equal([
        'kubectl-create',
        'kubectl-set',
        'kubectl-patch',
      ]);
    }
  });

  it('create, set image and scale in one second: three writers, the scale untimed, in either listing order', () => {
    // The e2e story suite's Deployment: `kubectl apply`, `kubectl set image`, `kubectl scale` with
    // no pause. Generation 3's timed entries are both known writers of that second: the untimed
    // scale is its author.
    for (const applyFirst of [true, false]) {
      const writers = writersOf({ manager: 'kubectl-client-side-apply', at: 100 }, (gen, timed) => {
        const both = [timed('kubectl-client-side-apply'), timed('kubectl-set')];
        const listed = applyFirst ? both : both.reverse();
        if (gen === 2) return listed;
        const scale = { manager: 'kubectl', operation: 'Update', subresource: 'scale' };
        return [...listed, { ...scale, fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
      });
      expect(writers, `apply listed first: ${applyFirst}`).to.deep.equal([
        'kubectl-client-side-apply',
        'kubectl-set',
        'kubectl',
      ]);
    }
  });

  it('a new object under an old name does not inherit the old one', () => {
    const g = graph();
    const a = obj('Pod', 'db-0', { owner: { kind: 'StatefulSet', name: 'db', uid: 's1' } });
    const b = obj('Pod', 'db-0');
    g.apply('ADDED', a.object, 0, undefined);
    g.apply('ADDED', b.object, 0, undefined);
    expect(g.lookup(uidOf(a), '')?.ownerName).to.equal('db');
    expect(g.lookup(uidOf(b), '')?.ownerName).to.equal('');
    expect(g.byKeyOnly('Pod/default/db-0')?.uid).to.equal(uidOf(b));
  });
});
