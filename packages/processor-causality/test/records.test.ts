import { expect } from 'chai';
import type { NormEvent } from '../src/normalize.js';
import { Change, EventEntry, Occurrence, SpanRec, State } from '../src/records.js';
import { builtinRules, compileRules, RuleMatch, RuleTable } from '../src/rules.js';
import { eventSpanId } from '../src/ids.js';

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

const occ = (count: number, t: number): Occurrence => new Occurrence(count, t, false, t, t);

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
    for (const o of [occ(2, T0 + 2), occ(1, T0 + 1), occ(3, T0 + 3)]) s.add(o, `m${o.count}`);
    s.releaseAt = T0 + 5e6;
    s.parent = new SpanRec(entry, undefined);
    s.chain = [];
    s.via = 'owner';
    s.traceFlags = 0;
    s.parentRemote = true;
    s.state = State.Resolved;
    // Each occurrence's message stays at its index, in count order, until the span is out.
    expect([0, 1, 2].map((i) => s.messageOf(i)).concat(s.lastMessage)).to.deep.equal([
      'm1',
      'm2',
      'm3',
      'm3',
    ]);
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
    expect([s.last().count, s.lastMessage, s.messageOf(0), s.occ.length]).to.deep.equal([
      3,
      '',
      '',
      1,
    ]);
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
    s.add(occ(1, T0), 'm');
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
      for (const count of [4, 2 ** 29 + 1, 2 ** 40 + 3]) {
        const o = new Occurrence(count, t, coarse, at, obs);
        expect([o.count, o.t, o.coarse, o.at, o.obs], `${t} ${count}`).to.deep.equal([
          count,
          t,
          coarse,
          at,
          obs,
        ]);
      }
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
    s.add(occ(1, T0), 'm');
    s.add(occ(2, T0 + 5), 'm');
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

describe('an event whose spans are out keeps its rule, not its match', () => {
  const table = new RuleTable(compileRules(builtinRules).rules);
  const created = event({
    uid: 'e2',
    name: 'web-7d9f.18e42ecaf35cb76a',
    regarding: { ...event().regarding, kind: 'ReplicaSet', name: 'web-7d9f', uid: 'r1' },
    reason: 'SuccessfulCreate',
    message: 'Created pod: web-7d9f-abcde',
    component: 'replicaset-controller',
  });

  function retired(ev: NormEvent, childKey: string): { entry: EventEntry; before: unknown } {
    const match = table.match(ev)!;
    const entry = new EventEntry(ev, match, 'ReplicaSet/default/web-7d9f', childKey, T0, undefined);
    const before = { ...match, kind: match.kind, child: match.child && { ...match.child } };
    entry.current.add(occ(1, T0), 'm');
    entry.current.state = State.Exported;
    entry.current.shrink();
    return { entry, before };
  }

  it('drops the match when its rule and child key say all of it, and makes it again the same', () => {
    const { entry, before } = retired(created, 'Pod/default/web-7d9f-abcde');
    const held = (entry as unknown as { matched: unknown }).matched;
    expect(held).to.equal(entry.match?.rule); // only the rule was held…
    const again = entry.match!;
    expect({ ...again, kind: again.kind, child: again.child && { ...again.child } }).to.deep.equal(
      before,
    ); // …and the match made from it is the one it had
    expect(entry.match).to.equal(again);
  });

  it('keeps a match the child key does not say (another namespace, or attributes)', () => {
    const { entry } = retired(created, 'Pod/other/web-7d9f-abcde');
    expect((entry as unknown as { matched: unknown }).matched).to.be.instanceOf(RuleMatch);
    const claim = event({
      ...created,
      regarding: { ...created.regarding, kind: 'StatefulSet', name: 'db' },
      reason: 'SuccessfulCreate',
      message: 'create Claim data-db-0 Pod db-0 in StatefulSet db success',
      component: 'statefulset-controller',
    });
    const withAttributes = retired(claim, 'PersistentVolumeClaim/default/data-db-0').entry;
    expect(withAttributes.match?.attributes).to.deep.equal({ 'k8s.pod.name': 'db-0' });
    expect((withAttributes as unknown as { matched: unknown }).matched).to.be.instanceOf(RuleMatch);
  });
});

describe('a span holds its id and its parent’s as halves', () => {
  it('gives back the ids it was given, frozen on first use; trace flags leave them alone', () => {
    const entry = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined);
    const s = entry.current;
    s.add(occ(2, T0), 'm');
    const made: [string, number][] = [];
    const make = (uid: string, count: number) => {
      made.push([uid, count]);
      return eventSpanId(uid, count);
    };
    const id = s.spanId(make);
    s.add(occ(1, T0 - 1), 'm'); // an earlier count arrives late: the id stays as first given
    s.traceFlags = 0xff;
    s.traceFlags = 0;
    expect([s.spanId(make), s.parentSpanId, made]).to.deep.equal([id, '', [['e1', 2]]]);
    for (const p of ['ffffffffffffffff', '0000000000000001', id]) {
      s.parentSpanId = p;
      expect(s.parentSpanId).to.equal(p);
    }
    s.parentSpanId = '';
    expect([s.parentSpanId, s.spanId(make)]).to.deep.equal(['', id]);

    const child = new EventEntry(
      event({ uid: 'e2' }),
      undefined,
      'Pod/default/web-1',
      '',
      T0,
      undefined,
    ).current;
    child.add(occ(1, T0 + 1), 'm');
    child.parentIs(s, make);
    expect(child.parentSpanId).to.equal(id);
    expect(child.ref(make).parentSpanId).to.equal(id);
  });

  it('refuses what is not a span id (an internal error, never a wrong id)', () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    for (const bad of ['s', 'ABCDEF0123456789', '0123456789abcde', '0123456789abcdefg'])
      expect(() => (s.parentSpanId = bad), bad).to.throw(/not a span id/);
  });
});

describe('a span holds its change or, without one, its trace id', () => {
  it("gives the change's trace id, keeps its id when the change is let go, refuses another", () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    expect([s.change, s.traceId]).to.deep.equal([undefined, '']);
    s.traceId = 'a'.repeat(32); // a follow-on of a span whose record is gone: an id only
    expect([s.change, s.traceId]).to.deep.equal([undefined, 'a'.repeat(32)]);
    const top = { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd1' };
    const c = new Change(
      'd1/1',
      'd1/1',
      { ...top, generation: 1, manager: '', operation: '', specTime: NaN },
      undefined,
      undefined,
    );
    s.change = c;
    s.traceId = c.traceId;
    expect([s.change, s.traceId]).to.deep.equal([c, c.traceId]);
    expect(() => (s.traceId = 'b'.repeat(32))).to.throw(/given trace/);
    s.change = undefined;
    expect([s.change, s.traceId]).to.deep.equal([undefined, c.traceId]);
  });
});

describe("a span's occurrences by count", () => {
  it('finds a count among none, one held bare, and several', () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    expect(s.hasCount(1)).to.equal(false);
    s.add(occ(2, T0 + 2), 'm');
    expect([s.hasCount(2), s.hasCount(1)]).to.deep.equal([true, false]);
    s.add(occ(4, T0 + 4), 'm');
    expect([s.hasCount(2), s.hasCount(4), s.hasCount(3)]).to.deep.equal([true, true, false]);
  });
});

describe('a change', () => {
  it("a change's times start as they did (NaN, an empty extent) and keep what is set", () => {
    const top = { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd1' };
    const info = { ...top, generation: 1, manager: '', operation: '', specTime: NaN };
    const c = new Change('d1/1', 'd1/1', info, undefined, undefined);
    expect([c.rootStartUs, c.minStart, c.maxEnd, c.firstAttach, c.lastAttach]).to.deep.equal([
      NaN,
      Infinity,
      -Infinity,
      NaN,
      NaN,
    ]);
    c.attach(T0 + 5, T0 + 1, T0 + 3, 'kubelet');
    c.attach(T0 + 7, T0 + 0.5, T0 + 2, 'kubelet');
    c.rootStartUs = T0;
    expect([c.rootStartUs, c.minStart, c.maxEnd, c.firstAttach, c.lastAttach]).to.deep.equal([
      T0,
      T0 + 0.5,
      T0 + 3,
      T0 + 5,
      T0 + 7,
    ]);
  });
});

describe("an event's highest count is its current span's last occurrence", () => {
  it('follows higher counts, not lower ones arriving late, and moves to a follow-on', () => {
    const entry = new EventEntry(
      event({ count: 3 }),
      undefined,
      'Pod/default/web-1',
      '',
      T0,
      undefined,
    );
    entry.current.add(occ(3, T0 + 3), 'm');
    entry.current.add(occ(1, T0 + 1), 'm'); // late, lower
    expect(entry.maxCount).to.equal(3);
    entry.current.add(occ(5, T0 + 5), 'm');
    expect(entry.maxCount).to.equal(5);
    entry.current.state = State.Exported;
    entry.current.shrink();
    expect(entry.maxCount).to.equal(5); // out: its last occurrence is kept
    const follow = new SpanRec(entry, undefined);
    entry.current = follow;
    follow.add(occ(7, T0 + 7), 'm');
    expect(entry.maxCount).to.equal(7);
  });
});

describe('a waiting span with one occurrence holds it without a list', () => {
  it('reads the same as a list of one, then of two in count order, and splits', () => {
    const s = new EventEntry(event(), undefined, 'Pod/default/web-1', '', T0, undefined).current;
    expect([s.occCount, s.occAt(0), s.occ]).to.deep.equal([0, undefined, []]);
    const [a, b, c] = [occ(2, T0 + 2), occ(1, T0 + 1), occ(3, T0 + 3)];
    s.add(a, 'm2');
    expect([s.occCount, s.occAt(0), s.occAt(1), s.occ, s.first(), s.last()]).to.deep.equal([
      1,
      a,
      undefined,
      [a],
      a,
      a,
    ]);
    expect([s.messageOf(0), s.lastMessage]).to.deep.equal(['m2', 'm2']);
    s.add(b, 'm1');
    s.add(c, 'm3');
    expect([s.occCount, s.occ, s.first(), s.last(), s.lastMessage]).to.deep.equal([
      3,
      [b, a, c],
      b,
      c,
      'm3',
    ]);
    const later = s.takeFrom(1);
    expect([later.occ, later.messages, s.occ, s.lastMessage]).to.deep.equal([
      [a, c],
      ['m2', 'm3'],
      [b],
      'm1',
    ]);
  });
});
