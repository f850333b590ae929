import { expect } from 'chai';
import type { NormEvent } from '../src/normalize.js';
import { EventEntry, Occurrence } from '../src/records.js';
import { Timeline, Timelines, type Mark } from '../src/timeline.js';

const T0 = Date.UTC(2026, 10, 2, 9) * 1000; // µs

function mark(t: number): Mark {
  const ev = {
    uid: `e${t}`,
    name: `web-1.${t}`,
    regarding: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1' },
    message: 'm',
    reason: 'Pulled',
    container: '',
    count: 1,
  } as unknown as NormEvent;
  const entry = new EventEntry(ev, undefined, 'Pod/default/web-1', '', t, undefined);
  const o = new Occurrence(1, t, false, t, t);
  entry.current.add(o, 'm');
  return o as Mark;
}

describe('object timelines (what a held event is on)', () => {
  it('keep their touch times exactly (whole seconds and µs, a fraction, before any time)', () => {
    const tl = new Timeline('Pod/default/web-1');
    for (const t of [T0 + 999_999, T0 + 0.25, T0 - 1, 0, -Infinity]) {
      tl.touch(true, t);
      tl.touch(false, t + 1);
      expect([tl.touchedAt(true), tl.touchedAt(false)]).to.deep.equal([t, t + 1]);
    }
  });

  it('share one empty list: a new side, and a side whose marks expired', () => {
    const tls = new Timelines(10, 60e6, 10e6);
    tls.addAbout('Pod/default/web-1', mark(T0), T0);
    tls.addNamed('Pod/default/web-1', mark(T0 + 1), T0 + 1);
    tls.addAbout('Pod/default/web-2', mark(T0 + 2), T0 + 2);
    const a = tls.get('Pod/default/web-1')!;
    const b = tls.get('Pod/default/web-2')!;
    expect([a.about.length, a.named.length, b.about.length, b.named.length]).to.deep.equal([
      1, 1, 1, 0,
    ]);
    tls.sweep(T0 + 11e6); // past the about TTL, not the named one
    expect(a.about).to.equal(b.named);
    expect([a.about.length, a.named.length, tls.get('Pod/default/web-2')]).to.deep.equal([
      0,
      1,
      undefined,
    ]);
    // The shared list was never written to: a later mark gets a list of its own.
    tls.addAbout('Pod/default/web-1', mark(T0 + 12e6), T0 + 12e6);
    expect([a.about.length, b.named.length]).to.deep.equal([1, 0]);
  });

  it('ask whether to skip a cause only of marks that could be it (skipping may resolve a deletion)', () => {
    // The skip test resolves a modelled deletion it meets (is it voided by a controller's event?):
    // asked of a mark later than the occurrence, it decided that deletion before its window closed
    // and before the controller's `delete Pod` arrived (CI: a StatefulSet roll with no root).
    const tls = new Timelines(10, 60e6, 10e6);
    const key = 'StatefulSet/default/db';
    const cause = mark(T0);
    const later = mark(T0 + 1e6);
    tls.addNamed(key, cause, T0);
    tls.addNamed(key, later, T0 + 1e6);
    const asked: number[] = [];
    const found = tls.latestNamed(key, mark(T0 + 200_000), T0 - 60e6, (span, t) => {
      asked.push(t);
      return false;
    });
    expect(found).to.equal(cause.span);
    expect(asked, 'marks asked about (µs after T0)').to.deep.equal([T0]);
  });
});
