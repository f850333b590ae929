import { expect } from 'chai';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ROOT_ID, RS_ID, TRACE_ID, sampleTrace } from '@kspan/testing';
import { encodeOtlpProtobuf } from '../src/index.js';
import { decodeExportRequest, flattenSpans } from './otlp-proto.js';
import { groupingSpans, trickySpans } from './encoding-cases.js';

function official(spans: readonly ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]) ?? new Uint8Array(0);
}

describe('encodeOtlpProtobuf', () => {
  it('encodes an ExportTraceServiceRequest that decodes back to the same spans', () => {
    const bytes = encodeOtlpProtobuf(sampleTrace());
    expect(bytes).to.be.instanceOf(Uint8Array);
    const spans = flattenSpans(decodeExportRequest(bytes));
    expect(spans).to.have.length(3);
    expect(spans.every((s) => s.traceId === TRACE_ID)).to.equal(true);
    expect(spans.find((s) => s.spanId === RS_ID)!.parentSpanId).to.equal(ROOT_ID);
  });

  it('encodes no spans as an empty message', () => {
    expect(encodeOtlpProtobuf([])).to.have.length(0);
  });

  it("is the official serializer's bytes, and decodes (OTLP .proto) to the same message", () => {
    // every kind of attribute value (varints of 1-10 bytes, doubles, bytes, lists, maps,
    // multi-byte UTF-8 and lone surrogates), events, links, trace state, remote parents, times
    // off the fast path, lengths that need 1-3 bytes
    const spans = trickySpans();
    const mine = encodeOtlpProtobuf(spans);
    expect(Buffer.from(mine).equals(Buffer.from(official(spans)))).to.equal(true);
    expect(decodeExportRequest(mine)).to.deep.equal(decodeExportRequest(official(spans)));
    for (const span of spans)
      expect(Buffer.from(encodeOtlpProtobuf([span])).toString('hex')).to.equal(
        Buffer.from(official([span])).toString('hex'),
      );
    // a batch whose messages are long: a ScopeSpans over 16 KiB, over 2 MiB with 4,000 spans
    const many = Array.from({ length: 4000 }, (_, i) => spans[i % spans.length]!);
    expect(Buffer.from(encodeOtlpProtobuf(many)).equals(Buffer.from(official(many)))).to.equal(
      true,
    );
  });

  it('the result is a copy: the next encoding does not change it', () => {
    const first = encodeOtlpProtobuf(sampleTrace());
    const copy = Buffer.from(first);
    encodeOtlpProtobuf(trickySpans());
    expect(Buffer.from(first).equals(copy)).to.equal(true);
  });

  it('puts spans with equal resources in one entry, each span with its resource and scope', () => {
    const spans = groupingSpans();
    const decoded = decodeExportRequest(encodeOtlpProtobuf(spans));
    expect(decoded.resourceSpans).to.have.length(2);
    for (const span of spans)
      expect(decodeExportRequest(encodeOtlpProtobuf([span]))).to.deep.equal(
        decodeExportRequest(official([span])),
      );
  });
});
