import { expect } from 'chai';
import fc from 'fast-check';
import { isRfc3339Time, parseRfc3339, rfc3339Us, type ParsedTime } from '../src/event-time.js';

/**
 * An independent reading of RFC 3339 for the parser to agree with: a regular expression, the
 * fraction cut to microseconds as text, and one Date.UTC call with every field.
 */
function oracle(s: string): ParsedTime | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(
      s,
    );
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return null;
  const frac = m[7];
  const micros = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));
  const offsetMin = m[9] ? (m[9] === '+' ? 1 : -1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - offsetMin * 60_000;
  return { us: ms * 1000 + micros, coarse: frac === undefined };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Times as Kubernetes writes them, and near misses: out-of-range fields, stray characters. */
const timeText = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    sep: fc.constantFrom('T', 't', ' ', 'x'),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', 'Q'),
      fc
        .tuple(
          fc.constantFrom('+', '-'),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
        )
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
    ),
    tail: fc.constantFrom('', '', '', ' ', 'Z', '0'),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.sep}${pad(t.hour, 2)}:` +
      `${pad(t.minute, 2)}:${pad(t.second, 2)}${t.frac === undefined ? '' : `.${t.frac}`}${t.zone}${t.tail}`,
  );

describe('parseRfc3339', () => {
  it('agrees with a regular-expression reading on generated times and near misses', () => {
    fc.assert(
      fc.property(fc.array(timeText, { minLength: 1, maxLength: 8 }), (texts) => {
        // Several in a row: the parser keeps the last day it converted.
        for (const s of texts) {
          expect(parseRfc3339(s), s).to.deep.equal(oracle(s));
          expect(isRfc3339Time(s), s).to.equal(oracle(s) !== null);
          expect(rfc3339Us(s), s).to.deep.equal(oracle(s)?.us ?? NaN);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes no other character where a digit belongs (each position, each neighbour of 0-9)', () => {
    const good = '2021-05-19T09:42:58.640117+02:30';
    const digitsAt = [...good].flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));
    for (const i of digitsAt) {
      for (const c of ['/', ':', 'a', ' ', '\u0660', '\uff10']) {
        const s = good.slice(0, i) + c + good.slice(i + 1);
        // In the fraction a non-digit ends it, and what follows must then be a zone.
        expect(parseRfc3339(s), s).to.deep.equal(oracle(s));
        expect(parseRfc3339(s), s).to.equal(null);
      }
    }
  });

  it('reads the forms Kubernetes writes, to the microsecond', () => {
    expect(parseRfc3339('2021-05-19T09:42:58Z')).to.deep.equal({
      us: Date.UTC(2021, 4, 19, 9, 42, 58) * 1000,
      coarse: true,
    });
    expect(parseRfc3339('2021-05-19T09:42:58.640117Z')?.us).to.equal(
      Date.UTC(2021, 4, 19, 9, 42, 58) * 1000 + 640117,
    );
    // observedAt has nanoseconds: truncated, not rounded.
    expect(parseRfc3339('2021-05-19T09:42:58.999999999Z')?.us).to.equal(
      Date.UTC(2021, 4, 19, 9, 42, 58) * 1000 + 999999,
    );
    expect(parseRfc3339('2021-05-19T11:42:58.5+02:00')?.us).to.equal(
      Date.UTC(2021, 4, 19, 9, 42, 58) * 1000 + 500000,
    );
  });

  it('tells absent from bad', () => {
    for (const absent of [undefined, null, '']) expect(parseRfc3339(absent)).to.equal(undefined);
    for (const bad of [0, {}, 'yesterday', '2021-05-19T09:42:58', '2021-05-19T09:42:58.Z'])
      expect(parseRfc3339(bad), String(bad)).to.equal(null);
    expect(isRfc3339Time(undefined)).to.equal(false);
    expect(isRfc3339Time(12)).to.equal(false);
    for (const none of [undefined, null, '', 0, {}, 'yesterday']) expect(rfc3339Us(none)).to.be.NaN;
  });
});
