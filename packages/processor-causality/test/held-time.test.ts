import { expect } from 'chai';
import { heldSec, heldSub, heldUs } from '../src/held-time.js';

const T0 = Date.UTC(2026, 10, 2, 9) * 1000; // µs

describe('times held as two small integers (held-time.ts)', () => {
  it('give back every time exactly, the non-finite ones too', () => {
    for (const us of [T0, T0 + 999_999, T0 + 0.25, T0 - 1, 0, -1, NaN, Infinity, -Infinity]) {
      const back = heldUs(heldSec(us), heldSub(us));
      expect(Object.is(back, us), String(us)).to.equal(true);
    }
  });
});
