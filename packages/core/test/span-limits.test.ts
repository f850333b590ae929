import { expect } from 'chai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  limitAttributes,
  limitSpanValues,
  spanValueLimiter,
  truncateString,
} from '../src/span-limits.js';
import { MetricsRegistry } from '../src/telemetry/metrics.js';

function span(fields: Partial<ReadableSpan>): ReadableSpan {
  return {
    attributes: {},
    events: [],
    links: [],
    status: { code: SpanStatusCode.UNSET },
    ...fields,
  } as unknown as ReadableSpan;
}

describe('attribute value length limit', () => {
  it('cuts strings and the strings of arrays, leaves other values alone, counts each value cut', () => {
    const attrs = {
      long: 'x'.repeat(20),
      short: 'abc',
      list: ['y'.repeat(12), 'ok', 'z'.repeat(3)],
      n: 123456789012,
      b: true,
    };
    expect(limitAttributes(attrs, 10)).to.equal(2);
    expect(attrs).to.deep.equal({
      long: 'x'.repeat(10),
      short: 'abc',
      list: ['y'.repeat(10), 'ok', 'zzz'],
      n: 123456789012,
      b: true,
    });
    expect(limitAttributes(attrs, 10)).to.equal(0);
  });

  it('never leaves half a surrogate pair', () => {
    const text = 'ab😀cd'; // the emoji is two UTF-16 units, at 2 and 3
    expect(truncateString(text, 3)).to.equal('ab');
    expect(truncateString(text, 4)).to.equal('ab😀');
    expect(truncateString(text, 100)).to.equal(text);
  });

  it('limits a span: attributes, span events, links and the status message', () => {
    const big = 'm'.repeat(50);
    const s = span({
      attributes: { 'k8s.event.message': big },
      events: [{ name: 'occurrence', time: [0, 0], attributes: { 'k8s.event.message': big } }],
      links: [
        {
          context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 },
          attributes: { note: big },
        },
      ],
      status: { code: SpanStatusCode.ERROR, message: big },
    });
    expect(limitSpanValues(s, 8)).to.equal(4);
    expect(s.attributes['k8s.event.message']).to.equal('mmmmmmmm');
    expect(s.events[0]!.attributes!['k8s.event.message']).to.equal('mmmmmmmm');
    expect(s.links[0]!.attributes!.note).to.equal('mmmmmmmm');
    expect(s.status.message).to.equal('mmmmmmmm');
  });

  it('counts what it cuts in kspan_span_values_truncated_total', async () => {
    const registry = new MetricsRegistry();
    const limit = spanValueLimiter({ metrics: registry.metricsFor('causality') }, 5);
    limit(span({ attributes: { a: '123456', b: '1234567', c: 'ok' } }));
    limit(span({ attributes: { a: 'ok' } }));
    const text = await registry.registry.metrics();
    expect(text).to.match(/kspan_span_values_truncated_total\{component="causality"\} 2\b/);
  });
});
