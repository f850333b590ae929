import { expect } from 'chai';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ROOT_ID, T0, makeSpan, sampleTrace } from '@kspan/testing';
import { encodeOtlpJson, encodeOtlpJsonLine } from '../src/index.js';

/** The official serializer's JSON with int64 values as strings, by a reviver: the reference. */
function reference(spans: readonly ReadableSpan[]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest(spans as ReadableSpan[]);
  return JSON.parse(new TextDecoder().decode(bytes), (key, value: unknown) =>
    key === 'intValue' && typeof value === 'number' ? String(value) : value,
  );
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
  });
});
