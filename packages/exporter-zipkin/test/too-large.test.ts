import { expect } from 'chai';
import {
  FAST_RETRY,
  HttpReceiver,
  T0,
  exportRunner,
  makeSpan,
  type HttpRequestRecord,
} from '@kspan/testing';
import { ZipkinExporterConfigSchema, zipkinExport } from '../src/index.js';

const exportAll = exportRunner(zipkinExport, ZipkinExporterConfigSchema, 'zipkin');

describe('zipkin exporter: a batch refused with 413', () => {
  let intake: HttpReceiver<HttpRequestRecord & { ids: string[] }>;
  beforeEach(async () => {
    intake = await HttpReceiver.start({
      path: '/api/v2/spans',
      defaultStatus: 202,
      record: (call) => ({
        ...call,
        ids: (JSON.parse(call.body.toString('utf8')) as Array<{ id: string }>).map((s) => s.id),
      }),
    });
  });
  afterEach(() => intake.stop());

  it('is sent again in halves; every span arrives once', async () => {
    intake.replies = [{ status: 413, body: 'Payload Too Large' }, { status: 413 }];
    const spans = Array.from({ length: 8 }, (_, i) =>
      makeSpan({
        spanId: (0x100 + i).toString(16).padStart(16, '0'),
        name: 'Pod.Pulled',
        startNs: T0,
      }),
    );
    const results = await exportAll({ endpoint: intake.url, retry: FAST_RETRY }, { spans });
    // 8 refused, then its first half (4) refused too: 2 + 2, then 4.
    expect(intake.calls.map((c) => c.ids.length)).to.deep.equal([8, 4, 2, 2, 4]);
    const delivered = intake.calls.slice(2).flatMap((c) => c.ids);
    expect(delivered.sort()).to.deep.equal(spans.map((s) => s.spanContext().spanId));
    expect(results.map((r) => [r.code, r.spans, r.failedSpans])).to.deep.equal([
      ['success', 2, 0],
      ['success', 2, 0],
      ['success', 4, 0],
    ]);
    expect(results.reduce((a, r) => a + r.attempts, 0)).to.equal(intake.calls.length);
  });
});
