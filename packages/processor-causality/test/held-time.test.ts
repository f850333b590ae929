import { expect } from 'chai';
import { heldSec, heldSub, heldUs } from '../src/held-time.js';
import { Change } from '../src/records.js';

const T0 = Date.UTC(2026, 10, 2, 9) * 1000; // µs

describe('times held as two small integers (held-time.ts)', () => {
  it('give back every time exactly, the non-finite ones too', () => {
    for (const us of [T0, T0 + 999_999, T0 + 0.25, T0 - 1, 0, -1, NaN, Infinity, -Infinity]) {
      const back = heldUs(heldSec(us), heldSub(us));
      expect(Object.is(back, us), String(us)).to.equal(true);
    }
  });

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
