// Spans that exercise every branch of the OTLP encoders, for comparing them with the official
// serializers (encode-json.test.ts, encode-protobuf.test.ts).
import { SpanKind, SpanStatusCode, TraceFlags, createTraceState } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { POD_ID, ROOT_ID, RS_ID, T0, TRACE_ID, hr, makeSpan, sampleTrace } from '@kspan/testing';

const LONG = 'x'.repeat(300);

/** Every kind of attribute value, and strings JSON and UTF-8 treat specially. */
export const trickyAttributes = {
  small: 5,
  zero: 0,
  negative: -7,
  minInt32: -(2 ** 31),
  big: 2 ** 53 + 2,
  beyondUint32: 2 ** 40 + 3,
  negativeBig: -(2 ** 40) - 3,
  huge: 1e21,
  beyondInt64: 2 ** 64,
  double: 1.5,
  negativeDouble: -0.25,
  nan: NaN,
  infinity: Infinity,
  yes: true,
  no: false,
  empty: '',
  backslash: 'C:\\dir\\file',
  quote: 'say "hi"',
  control: 'a\u0001b',
  intValue: '"intValue":5',
  quoted: '{"intValue":12,"x":"\\"intValue\\":3"}',
  escapes: 'tab\tnewline\nreturn\rquote"backslash\\bell\u0007del\u007f',
  namedEscapes: 'back\bfeed\f\u001f"\\',
  quotedMessage: 'Container image "registry.example.com/app:1.2.3" already present on machine',
  unicode: 'Grüße, 日本, emoji 🚀, line\u2028separator',
  loneSurrogate: 'broken \ud800 pair',
  long: LONG,
  longUnicode: `${LONG}é`,
  longEscaped: `${LONG}"`,
  list: [1, 2, -3],
  strings: ['a', 'b"c'],
  mixed: [1, 'two', true, 2.5, null],
  emptyList: [],
  bytes: new Uint8Array([0, 1, 254, 255]),
  'key with "quotes" and ü': 'value',
} as unknown as ReadableSpan['attributes'];

function withContext(
  span: ReadableSpan,
  changes: Partial<ReturnType<ReadableSpan['spanContext']>>,
) {
  const ctx = { ...span.spanContext(), ...changes };
  return { ...span, spanContext: () => ctx };
}

const manyKeys = Array.from({ length: 70 }, (_, i) => `key.${i}`);

/** Spans sharing resource and scope objects, as the pipeline's do. */
export function trickySpans(): ReadableSpan[] {
  const base = makeSpan({
    spanId: ROOT_ID,
    name: 'tricky ✓ "name"',
    startNs: T0,
    attributes: trickyAttributes,
    kind: SpanKind.SERVER,
    status: { code: SpanStatusCode.ERROR, message: 'failed: "x"\n' },
    events: [
      { name: 'no attributes', time: hr(T0 + 5n) },
      { name: 'dropped', time: hr(T0 + 6n), attributes: { a: 1 }, droppedAttributesCount: 2 },
    ],
    links: [
      {
        context: {
          traceId: TRACE_ID,
          spanId: POD_ID,
          traceFlags: TraceFlags.NONE,
          isRemote: true,
          traceState: createTraceState('vendor=value,other=1'),
        },
        attributes: { 'link.kind': 'created' },
        droppedAttributesCount: 1,
      },
      { context: { traceId: TRACE_ID, spanId: RS_ID, traceFlags: TraceFlags.SAMPLED } },
    ],
  });
  const remoteChild: ReadableSpan = {
    ...makeSpan({ spanId: RS_ID, name: 'child', startNs: T0 + 1n, durationNs: 0n }),
    parentSpanContext: {
      traceId: TRACE_ID,
      spanId: ROOT_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    },
    status: { code: SpanStatusCode.OK, message: '' },
    droppedAttributesCount: 3,
    droppedEventsCount: 4,
    droppedLinksCount: 5,
  };
  const withState = withContext(
    makeSpan({ spanId: POD_ID, name: 'state', startNs: 999_999_999n, kind: SpanKind.CONSUMER }),
    { traceState: createTraceState('a=b') },
  );
  // Times the fast paths do not take: whole seconds only, a fraction, before 2^32 s and after.
  const odd = (spanId: string, startTime: ReadableSpan['startTime']) => ({
    ...makeSpan({ spanId, name: `time ${startTime.join('/')}`, startNs: 0n }),
    startTime,
    endTime: [startTime[0] + 1, startTime[1]] as ReadableSpan['endTime'],
  });
  const spans = [
    base,
    remoteChild,
    withState,
    ...sampleTrace(),
    odd('0000000000000001', [0, 0]),
    odd('0000000000000002', [0, 999_999_999]),
    odd('0000000000000003', [1.5, 7.9]),
    odd('0000000000000004', [2 ** 32 + 5, 42]),
    odd('0000000000000005', [17, 1_500_000_000]),
    odd('0000000000000006', [2 ** 32 - 2, 5]), // the largest seconds on the fast path (end +1)
    { ...base, kind: undefined as unknown as SpanKind, status: {} as ReadableSpan['status'] },
    // attributes objects that for…in would read differently from Object.keys: an inherited
    // enumerable key (left out, as the official serializers leave it) and no prototype at all
    { ...base, attributes: Object.assign(Object.create({ inherited: 'no' }), { own: 'yes' }) },
    { ...base, attributes: Object.assign(Object.create(null), { bare: 'yes', n: 1 }) },
    // keys at other positions than in the span before (the encoders remember each position's key),
    // in nested maps too, and more keys than positions remembered
    { ...base, attributes: { b: 'first', small: 1, a: 'second' } },
    { ...base, attributes: { small: 'now a string', b: 2, map: { b: 'inner', a: { small: 3 } } } },
    { ...base, attributes: Object.fromEntries(manyKeys.map((k, i) => [k, i])) },
    { ...base, attributes: Object.fromEntries([...manyKeys].reverse().map((k) => [k, k])) },
    // ids that are not lowercase hex: upper case, ASCII that is no digit, non-ASCII (the
    // protobuf writer looks ASCII up in a table and reads the rest as the official writer does)
    withContext(base, {
      traceId: '0123456789ABCDEFabcdef/:@G`gz~ ',
      spanId: '\u00e9\u4e2dFf09\u00ff\u0100Zz.!',
    }),
  ];
  // One scope object for all, as in the pipeline: the official protobuf serializer tells scopes
  // apart by object (makeSpan makes one per span), ours and the JSON one by name and version.
  const scope = { name: 'kspan', version: '0.1.0' };
  return spans.map((span) => ({ ...span, instrumentationScope: scope }));
}

/** The same resource content in two objects, a schema URL, and two scopes. */
export function groupingSpans(): ReadableSpan[] {
  const attrs = { 'service.name': 'svc', 'k8s.cluster.name': 'c1' };
  const r1 = resourceFromAttributes(attrs);
  const r2 = resourceFromAttributes({ 'k8s.cluster.name': 'c1', 'service.name': 'svc' });
  const r3 = resourceFromAttributes({ 'service.name': 'other' }, { schemaUrl: 'https://s/1' });
  const scopeA = { name: 'a', version: '1' };
  const scopeB = { name: 'b', schemaUrl: 'https://scope/2' };
  const span = (spanId: string, resource: typeof r1, scope: typeof scopeA | typeof scopeB) => ({
    ...makeSpan({ spanId, name: spanId, startNs: T0 }),
    resource,
    instrumentationScope: scope,
  });
  return [
    span('0000000000000011', r1, scopeA),
    span('0000000000000012', r3, scopeB),
    span('0000000000000013', r2, scopeA),
    span('0000000000000014', r1, scopeB),
    span('0000000000000015', r3, scopeA),
  ];
}
