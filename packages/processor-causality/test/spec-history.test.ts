import { expect } from 'chai';
import type { KubeObject } from '@kspan/core';
import { resolveOptions } from '../src/config.js';
import { withDefaults, type CausalityOptions } from '../src/index.js';
import { Change } from '../src/records.js';
import { SpecHistory } from '../src/spec-history.js';

const settings = (diff: CausalityOptions['diff'] = {}) =>
  resolveOptions(withDefaults({ diff })).diff;

const object = (
  uid: string,
  generation: number,
  image: string,
  kind = 'Deployment',
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: uid, namespace: 'default', uid, generation },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image }] } } },
});

/** The change of generation `generation` of `uid`, as the change table keys it. */
const change = (uid: string, generation: number, key = `${uid}/${generation}`) =>
  new Change(
    `${uid}/${generation}`,
    key,
    {
      kind: 'Deployment',
      namespace: 'default',
      name: uid,
      uid,
      generation,
      manager: 'kubectl',
      operation: 'Update',
      specTime: NaN,
    },
    undefined,
    undefined,
  );

const diffOf = (h: SpecHistory, uid: string, generation: number) =>
  h.rootExtras(change(uid, generation), 0)?.attributes;

describe('spec history', () => {
  it('gives the same difference whichever generation arrived first', () => {
    const a = new SpecHistory(settings());
    a.observe(object('u1', 1, 'nginx:1'));
    a.observe(object('u1', 2, 'nginx:2'));
    const b = new SpecHistory(settings());
    b.observe(object('u1', 2, 'nginx:2'));
    b.observe(object('u1', 1, 'nginx:1'));
    const expected = {
      'kspan.change.diff': 'spec.template.spec.containers[web].image: nginx:1 → nginx:2',
      'kspan.change.diff.count': 1,
    };
    expect(diffOf(a, 'u1', 2)).to.deep.equal(expected);
    expect(diffOf(b, 'u1', 2)).to.deep.equal(expected);
  });

  it('keeps what each generation changed until long after: the roots of g go out after g+1… arrived', () => {
    const h = new SpecHistory(settings());
    for (let g = 1; g <= 18; g++) h.observe(object('u1', g, `nginx:${g}`));
    // A rollout and then a quick succession of changes: each still says its own.
    for (const g of [3, 10, 18])
      expect(diffOf(h, 'u1', g)?.['kspan.change.diff'], `generation ${g}`).to.equal(
        `spec.template.spec.containers[web].image: nginx:${g - 1} → nginx:${g}`,
      );
    // The last 16 are kept: generation 2's is gone (its root would have gone out long before).
    expect(diffOf(h, 'u1', 2)).to.equal(undefined);
    expect(diffOf(h, 'u1', 1)).to.equal(undefined);
  });

  it('says nothing for a creation, a later burst of the same generation, or a kind not compared', () => {
    const h = new SpecHistory(settings());
    h.observe(object('u1', 1, 'a'));
    h.observe(object('u1', 2, 'b'));
    h.observe(object('j1', 1, 'a', 'Job'));
    h.observe(object('j1', 2, 'b', 'Job'));
    expect(diffOf(h, 'u1', 1)).to.equal(undefined);
    expect(h.rootExtras(change('u1', 2, 'u1/2@1709287200'), 0)).to.equal(undefined);
    expect(diffOf(h, 'j1', 2)).to.equal(undefined);
    expect(h.size).to.equal(1);
  });

  it('is capped in objects and in characters, least recently updated first, each eviction counted', () => {
    let evicted = 0;
    const h = new SpecHistory(settings({ max_objects: 2 }), () => evicted++);
    for (const uid of ['u1', 'u2', 'u3']) h.observe(object(uid, 1, 'a'));
    expect([h.size, evicted]).to.deep.equal([2, 1]);
    // u3 (kept) changes: compared; u1 (evicted) changes: unknown, and u2, now the oldest, goes.
    h.observe(object('u3', 2, 'b'));
    h.observe(object('u1', 2, 'b'));
    expect(diffOf(h, 'u3', 2)?.['kspan.change.diff.count']).to.equal(1);
    expect(diffOf(h, 'u1', 2)).to.deep.equal({ 'kspan.change.previous': 'unknown' });
    expect([h.size, evicted]).to.deep.equal([2, 2]);

    const one = JSON.stringify(object('x', 1, 'a').spec).length;
    let dropped = 0;
    const small = new SpecHistory(settings({ max_stored_length: one * 3 }), () => dropped++);
    for (let i = 0; i < 10; i++) small.observe(object(`v${i}`, 1, 'a'));
    expect([small.size, dropped]).to.deep.equal([3, 7]);
  });

  it('ignores items it cannot use: no uid, no generation, a spec that is no object', () => {
    const h = new SpecHistory(settings());
    const bad: KubeObject[] = [
      { ...object('u1', 1, 'a'), metadata: { name: 'x', generation: 1 } },
      { ...object('u1', 1, 'a'), metadata: { name: 'x', uid: 'u1' } },
      { ...object('u1', 1, 'a'), spec: 'not an object' } as unknown as KubeObject,
      { ...object('u1', 1, 'a'), metadata: { name: 'x', uid: 'u1', generation: 1.5 } },
    ];
    for (const o of bad) h.observe(o);
    expect(h.size).to.equal(0);
  });
});
