import { expect } from 'chai';
import { acceptedOutcome } from '../src/common/partial-success.js';
import { encodeExportResponse } from './otlp-proto.js';

// The ExportTraceServiceResponse read by hand: protobuf bytes made by protobufjs from the OTLP
// .proto definitions, and OTLP/JSON in both field-name spellings.
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('acceptedOutcome (ExportTraceServiceResponse.partial_success)', () => {
  it('reads rejected spans and the message from protobuf', () => {
    const out = acceptedOutcome(encodeExportResponse(3, 'spans too old'), 'proto', 10);
    expect(out).to.include({ code: 'success', rejected: 3 });
    expect(out.error?.message).to.equal('backend rejected 3 of 10 spans: spans too old');
  });

  it('takes a message with nothing rejected as a warning, and an empty response as success', () => {
    expect(
      acceptedOutcome(encodeExportResponse(0, 'slow down'), 'proto', 5).error?.message,
    ).to.equal('backend warning: slow down');
    expect(acceptedOutcome(encodeExportResponse(0), 'proto', 5)).to.deep.equal({ code: 'success' });
    expect(acceptedOutcome(new Uint8Array(0), 'proto', 5)).to.deep.equal({ code: 'success' });
  });

  it('reads OTLP/JSON with lowerCamelCase or proto field names, int64 as a string or a number', () => {
    const camel = acceptedOutcome(
      json({ partialSuccess: { rejectedSpans: '2', errorMessage: 'dup' } }),
      'json',
      4,
    );
    expect(camel).to.include({ rejected: 2 });
    const snake = acceptedOutcome(
      json({ partial_success: { rejected_spans: 1, error_message: 'dup' } }),
      'json',
      4,
    );
    expect(snake).to.include({ rejected: 1 });
    expect(snake.error?.message).to.match(/: dup$/);
  });

  it('never reports more rejected spans than the batch had, nor fewer than none', () => {
    expect(acceptedOutcome(encodeExportResponse(900), 'proto', 7)).to.include({ rejected: 7 });
    expect(
      acceptedOutcome(json({ partialSuccess: { rejectedSpans: '-5' } }), 'json', 7),
    ).to.deep.equal({ code: 'success' });
  });

  it('takes a body that does not decode as accepted (the request was)', () => {
    const truncated = encodeExportResponse(3, 'spans too old').subarray(0, 4);
    expect(acceptedOutcome(truncated, 'proto', 5)).to.deep.equal({ code: 'success' });
    expect(acceptedOutcome(new TextEncoder().encode('{not json'), 'json', 5)).to.deep.equal({
      code: 'success',
    });
    expect(acceptedOutcome(json(['a list']), 'json', 5)).to.deep.equal({ code: 'success' });
  });
});
