import { expect } from 'chai';
import fc from 'fast-check';
import { nameTimeUs } from '../src/event-order.js';

// The creation time client-go writes into an Event's name (`<object>.<hex ns>`), read digit by
// digit: checked against BigInt arithmetic on the same text.
const byBigInt = (hex: string) => Number(BigInt(`0x${hex}`) / 1000n);

describe('event order: the creation time in an Event name', () => {
  it('reads 15 and 16 hex digits exactly (µs, truncated)', () => {
    expect(nameTimeUs('web-1.1872a6b4c0d5e6f7', 'web-1')).to.equal(byBigInt('1872a6b4c0d5e6f7'));
    expect(nameTimeUs('web-1.872a6b4c0d5e6f7', 'web-1')).to.equal(byBigInt('872a6b4c0d5e6f7'));
    expect(nameTimeUs('p.ffffffffffffffff', 'p')).to.equal(byBigInt('ffffffffffffffff'));
    expect(nameTimeUs('p.000000000000000', 'p')).to.equal(0);
  });

  // Exact below 0x7… (year 2199): client-go's names are nanoseconds since 1970 (0x18… today).
  it('agrees with BigInt on the times names carry', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-6]?[0-9a-f]{15}$/),
        fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        (hex, obj) => nameTimeUs(`${obj}.${hex}`, obj) === byBigInt(hex),
      ),
    );
  });

  // What the reader did before (a regex, two slices, two parseInts), on any 15 or 16 digits.
  it('gives what the regex-and-parseInt reader gave', () => {
    const before = (name: string, obj: string) => {
      const hex = name.slice(obj.length + 1);
      if (!/^[0-9a-f]{15,16}$/.test(hex) || name[obj.length] !== '.') return undefined;
      const h = parseInt(hex.slice(0, -8), 16);
      const l = parseInt(hex.slice(-8), 16);
      return h * 4294967 + Math.floor((h * 296 + l) / 1000);
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-Fx.]{15,17}$/), (hex) => {
        const name = `web-1.${hex}`;
        return nameTimeUs(name, 'web-1') === before(name, 'web-1');
      }),
    );
  });

  it('is undefined for anything else', () => {
    for (const [name, obj] of [
      ['web-1.1872A6B4C0D5E6F7', 'web-1'], // upper case: not what client-go writes
      ['web-1.1872a6b4c0d5e6fg', 'web-1'],
      ['web-1.1872a6b4c0d5e6', 'web-1'], // 14 digits
      ['web-1.1872a6b4c0d5e6f7a', 'web-1'], // 17 digits
      ['web-1x1872a6b4c0d5e6f7', 'web-1'], // no dot
      ['web-2.1872a6b4c0d5e6f7', 'web-1'], // another object's name
      ['a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d', 'web-1'], // an events.k8s.io name (a uid)
    ])
      expect(nameTimeUs(name!, obj!), name).to.equal(undefined);
  });
});
