import { expect } from 'chai';
import type { NormEvent } from '../src/normalize.js';
import { EventEntry, Occurrence, SpanRec, State } from '../src/records.js';

const T0 = Date.UTC(2026, 10, 2, 9) * 1000; // µs

function event(over: Partial<NormEvent> = {}): NormEvent {
  return {
    uid: 'e1',
    name: 'web-1.17a0',
    namespace: 'default',
    regarding: {
      kind: 'Pod',
      namespace: 'default',
      name: 'web-1',
      uid: 'p1',
      apiVersion: 'v1',
      fieldPath: '',
    },
    related: undefined,
    reason: 'Pulled',
    message: 'pulled',
    type: 'Normal',
    action: '',
    component: 'kubelet',
    instance: 'node-1',
    count: 1,
    t: T0,
    coarse: false,
    obs: T0,
    container: '',
    ...over,
  };
}

const occ = (count: number, t: number): Occurrence =>
  new Occurrence(count, t, false, t, t, `m${count}`);

describe('held records (what an event keeps once its span is out)', () => {
  it('a span out keeps its last occurrence, ids and start; what only a waiting span needs goes', () => {
    const entry = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined);
    const s = entry.current;
    const prev = {
      traceId: 't',
      spanId: 's',
      parentSpanId: '',
      parentRemote: false,
      traceFlags: 1,
      isRoot: false,
      change: undefined,
    };
    s.prev = prev;
    for (const o of [occ(2, T0 + 2), occ(1, T0 + 1), occ(3, T0 + 3)]) s.add(o);
    s.releaseAt = T0 + 5e6;
    s.parent = new SpanRec(entry, undefined);
    s.chain = [];
    s.via = 'owner';
    s.traceFlags = 0;
    s.parentRemote = true;
    s.state = State.Resolved;
    expect([s.first().count, s.last().count, s.occ.length, s.via, s.prev]).to.deep.equal([
      1,
      3,
      3,
      'owner',
      prev,
    ]);
    expect([s.traceFlags, s.parentRemote, s.state, entry.open]).to.deep.equal([
      0,
      true,
      State.Resolved,
      2,
    ]);

    s.startUs = T0 + 1;
    s.state = State.Exported;
    s.shrink();
    expect(s.first()).to.equal(s.last());
    expect([s.last().count, s.last().message, s.occ.length]).to.deep.equal([3, '', 1]);
    expect([s.prev, s.parent, s.chain, s.releaseAt]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      NaN,
    ]);
    expect([s.traceFlags, s.parentRemote, s.done, s.startUs, entry.open]).to.deep.equal([
      0,
      true,
      true,
      T0 + 1,
      1,
    ]);
  });

  it('a root out keeps its window (its change reads it until its own timer fires)', () => {
    const entry = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined);
    const s = entry.current;
    s.add(occ(1, T0));
    s.isRoot = true;
    s.releaseAt = T0 + 5e6;
    s.state = State.Exported;
    s.shrink();
    expect([s.releaseAt, s.isRoot, s.first().count]).to.deep.equal([T0 + 5e6, true, 1]);
  });

  it('an occurrence keeps its times exactly (whole seconds and µs inside; `at` is t or obs)', () => {
    const cases: [number, boolean, number, number][] = [
      [T0 + 123_456, false, T0 + 123_456, T0 + 900_000],
      [T0, true, T0 + 700_001, T0 + 700_001], // whole seconds, observed in the same second
      [T0 + 0.5, false, T0 + 0.5, T0 - 1], // a fraction stays; obs before the second
      [T0 + 999_999, true, T0 + 999_999, T0 + 999_999],
      [NaN, true, NaN, T0],
    ];
    for (const [t, coarse, at, obs] of cases) {
      const o = new Occurrence(4, t, coarse, at, obs, 'm');
      expect([o.count, o.t, o.coarse, o.at, o.obs, o.message], String(t)).to.deep.equal([
        4,
        t,
        coarse,
        at,
        obs,
        'm',
      ]);
    }
  });

  it('a span has no start until exported, then the one set (µs, with a fraction)', () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    expect(s.startUs).to.be.NaN;
    for (const t of [T0 + 999_999, T0 + 0.25, T0]) {
      s.startUs = t;
      expect(s.startUs).to.equal(t);
    }
  });

  it('a span written to after export keeps its last occurrence', () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    s.add(occ(1, T0));
    s.add(occ(2, T0 + 5));
    s.state = State.Exported;
    s.shrink();
    s.via = 'repeat';
    expect([s.first().count, s.last().count, s.via]).to.deep.equal([2, 2, 'repeat']);
  });

  it('an event keeps its touch time exactly (µs with a fraction, and before any time)', () => {
    const entry = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0 + 0.25, undefined);
    expect(entry.touched).to.equal(T0 + 0.25);
    for (const t of [T0 + 999_999, T0 - 1, -Infinity, 0]) {
      entry.touched = t;
      expect(entry.touched).to.equal(t);
    }
  });
});
