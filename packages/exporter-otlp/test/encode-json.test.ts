import { expect } from 'chai';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ROOT_ID, T0, makeSpan, sampleTrace } from '@kspan/testing';
import { encodeOtlpJson, encodeOtlpJsonLine } from '../src/index.js';
import { encodeOtlpJsonBytes } from '../src/encode.js';
import { groupingSpans, trickySpans } from './encoding-cases.js';

/** The official serializer's JSON with int64 values as strings, by a reviver: the reference. */
function reference(spans: readonly ReadableSpan[]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
  return JSON.parse(new TextDecoder().decode(bytes), (key, value: unknown) =>
    key === 'intValue' && typeof value === 'number' ? String(value) : value,
  );
}

/**
 * The official serializer's text with int64 values as strings, rewritten in place (every object
 * key in it is an OTLP field name, so `"intValue":` before a number is always that field).
 */
function referenceText(spans: readonly ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
  return new TextDecoder()
    .decode(bytes)
    .replace(/"intValue":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, '"intValue":"$1"');
}

const tricky = makeSpan({
  spanId: ROOT_ID,
  name: 'tricky',
  startNs: T0,
  attributes: {
    small: 5,
    negative: -7,
    big: 2 ** 53 + 2,
    huge: 1e21,
    double: 1.5,
    // text that looks like the field, in a value and as an attribute key
    intValue: '"intValue":5',
    quoted: '{"intValue":12,"x":"\\"intValue\\":3"}',
    list: [1, 2, -3],
  },
});

describe('encodeOtlpJsonLine', () => {
  it('writes int64 values as decimal strings and leaves text that looks like them alone', () => {
    const line = encodeOtlpJsonLine([tricky]);
    expect(JSON.parse(line)).to.deep.equal(reference([tricky]));
    const attrs = encodeOtlpJson([tricky]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
    const value = (k: string) => attrs.find((a) => a.key === k)?.value;
    expect(value('small')).to.deep.equal({ intValue: '5' });
    expect(value('negative')).to.deep.equal({ intValue: '-7' });
    expect(value('big')).to.deep.equal({ intValue: String(2 ** 53 + 2) });
    expect(value('huge')).to.deep.equal({ intValue: '1e+21' });
    expect(value('double')).to.deep.equal({ doubleValue: 1.5 });
    expect(value('intValue')).to.deep.equal({ stringValue: '"intValue":5' });
    expect(value('quoted')).to.deep.equal({
      stringValue: '{"intValue":12,"x":"\\"intValue\\":3"}',
    });
  });

  it('is the official serializer output with that one change (sample trace, no spans)', () => {
    expect(JSON.parse(encodeOtlpJsonLine(sampleTrace()))).to.deep.equal(reference(sampleTrace()));
    expect(JSON.parse(encodeOtlpJsonLine([]))).to.deep.equal({ resourceSpans: [] });
    expect(encodeOtlpJsonLine([])).to.equal(referenceText([]));
  });

  it("is the official serializer's text, character for character, on every kind of value", () => {
    // escapes, non-ASCII, lone surrogates, NaN, bytes, lists, maps, events, links, trace
    // state, remote parents, missing kind and status, times off the fast path
    const spans = trickySpans();
    expect(encodeOtlpJsonLine(spans)).to.equal(referenceText(spans));
    expect(JSON.parse(encodeOtlpJsonLine(spans))).to.deep.equal(reference(spans));
    for (const span of spans) expect(encodeOtlpJsonLine([span])).to.equal(referenceText([span]));
  });

  it('as bytes: the UTF-8 of the line, then the given end', () => {
    const spans = trickySpans();
    const line = encodeOtlpJsonLine(spans);
    expect(Buffer.from(encodeOtlpJsonBytes(spans, '\n')).equals(Buffer.from(line + '\n'))).to.equal(
      true,
    );
    // the writer's buffer is reused: an earlier result is not overwritten by the next
    const first = encodeOtlpJsonBytes(spans.slice(0, 1));
    const copy = Buffer.from(first);
    encodeOtlpJsonBytes(spans);
    expect(Buffer.from(first).equals(copy)).to.equal(true);
  });

  it('puts spans with equal resources in one entry, in the order first seen', () => {
    const spans = groupingSpans();
    const req = encodeOtlpJson(spans);
    expect(req.resourceSpans).to.have.length(2); // r1 and r2 are equal, r3 differs
    expect(
      req.resourceSpans.map((r) => r.scopeSpans.map((s) => s.spans.map((x) => x.name))),
    ).to.deep.equal([
      [['0000000000000011', '0000000000000013'], ['0000000000000014']],
      [['0000000000000012'], ['0000000000000015']],
    ]);
    expect(req.resourceSpans[1]!.schemaUrl).to.equal('https://s/1');
    // each span keeps the resource and scope the official serializer gives it
    const one = (s: ReadableSpan) => reference([s]);
    for (const [i, span] of spans.entries()) {
      const mine = encodeOtlpJson([span]);
      expect(mine, `span ${i}`).to.deep.equal(one(span));
    }
  });
});
