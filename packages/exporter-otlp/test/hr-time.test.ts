import { expect } from 'chai';
import type { HrTime } from '@opentelemetry/api';
import { nanosText, writeNanosFixed64 } from '../src/encoding/hr-time.js';

/** What the official encoders compute, with BigInt. */
function nanos(t: HrTime): bigint {
  return BigInt(Math.trunc(t[0])) * 1_000_000_000n + BigInt(Math.trunc(t[1]));
}

describe('OTLP times (nanoseconds since the epoch)', () => {
  const edge: HrTime[] = [
    [0, 0],
    [0, 1],
    [0, 999_999_999],
    [1, 0],
    [1_714_557_600, 123_456_789],
    [0xffff, 999_999_999],
    [0x10000, 0],
    [2 ** 32 - 1, 999_999_999],
    [2 ** 32, 5],
    [1.9, 2.5],
    [3, 1_000_000_001],
    [18_446_744_073, 709_551_615],
  ];
  // a fixed pseudo-random walk over realistic and large values
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 500; i++) edge.push([next() * 3, next() % 1_000_000_000]);

  it('as decimal text, equal to the BigInt computation', () => {
    for (const t of edge) expect(nanosText(t), String(t)).to.equal(nanos(t).toString());
  });

  it('as a fixed64, equal to the BigInt computation (wrapping past uint64)', () => {
    const buf = Buffer.alloc(10, 0xee);
    for (const t of edge) {
      writeNanosFixed64(t, buf, 1);
      expect(buf.readBigUInt64LE(1), String(t)).to.equal(BigInt.asUintN(64, nanos(t)));
      // exactly 8 bytes written, at the position given
      expect([buf[0], buf[9]]).to.deep.equal([0xee, 0xee]);
    }
  });
});
