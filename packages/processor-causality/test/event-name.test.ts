import { expect } from 'chai';
import { hexNameOf, isHexName } from '../src/event-name.js';
import { compareHex, halves, hex16, readHex16 } from '../src/hex-halves.js';
import type { NormEvent } from '../src/normalize.js';
import { EventEntry } from '../src/records.js';

const T0 = Date.UTC(2026, 10, 2, 9) * 1000; // µs

function entry(name: string, uid: string, objectName = 'web-1'): EventEntry {
  const ev = {
    uid,
    name,
    regarding: { kind: 'Pod', namespace: 'default', name: objectName, uid: 'p1' },
    message: 'pulled',
    reason: 'Pulled',
    container: '',
    count: 1,
  } as unknown as NormEvent;
  return new EventEntry(ev, undefined, `Pod/default/${objectName}`, '', T0, undefined);
}

/** The order the string names give (what `createdBefore` held as strings compared). */
function stringBefore(a: EventEntry, b: EventEntry): boolean {
  return a.name.length === b.name.length && a.name !== b.name ? a.name < b.name : a.uid < b.uid;
}

describe('event names held as two halves (event-name.ts)', () => {
  it('accepts only `<object>.<16 lowercase hex>` with the object key ending in the name', () => {
    const ok = 'web-1.18e42ecaf35cb76a';
    expect(isHexName(ok, 'web-1', 'Pod/default/web-1')).to.equal(true);
    for (const [name, obj, key] of [
      ['web-1.18e42ecaf35cb76', 'web-1', 'Pod/default/web-1'], // 15 digits
      ['web-1.18E42ECAF35CB76A', 'web-1', 'Pod/default/web-1'], // upper case
      ['web-1.18e42ecaf35cb76g', 'web-1', 'Pod/default/web-1'],
      ['web-2.18e42ecaf35cb76a', 'web-1', 'Pod/default/web-1'],
      ['web-1-18e42ecaf35cb76a', 'web-1', 'Pod/default/web-1'],
      [ok, 'web-1', 'Pod/default/xweb-1'],
      [ok, 'web-1', 'Pod/default/web-2'],
      ['a/b.18e42ecaf35cb76a', 'a/b', 'Pod/default/a/b'],
      ['.18e42ecaf35cb76a', '', 'Pod/default/'],
    ] as const)
      expect(isHexName(name, obj, key), name).to.equal(false);
  });

  it('gives the name back exactly, and orders as the strings do', () => {
    const names: string[] = [];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 300; i++) {
      const hex = ((rnd() >>> 0).toString(16) + (rnd() >>> 0).toString(16)).padEnd(16, 'f');
      // Some share the high half, some the whole name; some extremes (sign bit set or not).
      names.push(
        `web-1.${i % 7 === 0 ? 'ffffffff' : i % 5 === 0 ? '7fffffff' : hex.slice(0, 8)}${hex.slice(8, 16)}`,
      );
    }
    names.push('web-1.0000000000000000', 'web-1.ffffffffffffffff', 'web-1.8000000000000000');
    names.push('web-1.17a0', 'other-name', 'web-1.18e42ecaf35cb76a'); // not hex-named: kept as strings
    const entries = names.map((n, i) => entry(n, `u${i % 3}`));
    for (const [i, e] of entries.entries()) expect(e.name).to.equal(names[i]);
    for (const a of entries)
      for (const b of entries.slice(0, 60))
        expect(a.createdBefore(b), `${a.name} ${a.uid} / ${b.name} ${b.uid}`).to.equal(
          stringBefore(a, b),
        );
  });

  it('halves are signed 32-bit integers and compare unsigned', () => {
    expect(readHex16('xffffffff7fffffff', 1)).to.equal(true);
    expect([halves.hi, halves.lo]).to.deep.equal([-1, 0x7fffffff]);
    for (const bad of ['fffffffffffffff', 'ffffffffffffffFf', 'fffffffffffffffg'])
      expect(readHex16(bad, 0), bad).to.equal(false);
    expect(compareHex(-1, 0, 0x7fffffff, 0)).to.equal(1);
    expect(compareHex(1, -1, 1, 0)).to.equal(1);
    expect(compareHex(1, 2, 1, 2)).to.equal(0);
    expect(hexNameOf('Pod/default/web-1', -1, 0)).to.equal('web-1.ffffffff00000000');
    for (const id of [
      '0000000000000001',
      'ffffffffffffffff',
      '8000000000000000',
      '0123456789abcdef',
    ])
      expect([readHex16(id, 0), hex16(halves.hi, halves.lo)]).to.deep.equal([true, id]);
  });

  it('events of different objects compare by their names as strings', () => {
    const a = entry('web-1.18e42ecaf35cb76a', 'u1', 'web-1');
    const b = entry('web-2.08e42ecaf35cb76a', 'u2', 'web-2');
    expect([a.createdBefore(b), b.createdBefore(a)]).to.deep.equal([
      stringBefore(a, b),
      stringBefore(b, a),
    ]);
  });
});
