import { expect } from 'chai';
import { encodeOtlpProtobuf } from '../src/index.js';
import { ROOT_ID, RS_ID, TRACE_ID, sampleTrace } from '@kspan/testing';
import { decodeExportRequest, flattenSpans } from './otlp-proto.js';

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
});
