// One oversized span must not cost its batch: a request the backend refuses as too large (the gRPC
// server's 4 MiB message limit, HTTP 413) is sent again in halves; attribute values are limited
// before they get that far.
import { expect } from 'chai';
import { MetricsRegistry, spanValueLimiter, type ExportResult } from '@kspan/core';
import { FAST_RETRY, T0, exportRunner, makeSpan } from '@kspan/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  OtlpGrpcConfigSchema,
  OtlpHttpConfigSchema,
  otlpGrpcExport,
  otlpHttpExport,
} from '../src/index.js';
import { GrpcReceiver } from './grpc-receiver.js';
import { startOtlpHttpReceiver, type OtlpHttpReceiver } from './http-receiver.js';
import { attr, flattenSpans, type DecodedRequest } from './otlp-proto.js';

const exportGrpc = exportRunner(otlpGrpcExport, OtlpGrpcConfigSchema, 'otlp');
const exportHttp = exportRunner(otlpHttpExport, OtlpHttpConfigSchema, 'otlp_http');

const MB = 1024 * 1024;
const spanId = (i: number) => (0x1000 + i).toString(16).padStart(16, '0');

/** `n` event spans with messages of `messageChars` characters each (the one at `big` gets `bigChars`). */
function eventSpans(n: number, messageChars: number, big?: { at: number; chars: number }) {
  return Array.from({ length: n }, (_, i) =>
    makeSpan({
      spanId: spanId(i),
      name: 'Pod.Pulled',
      startNs: T0 + BigInt(i) * 1_000_000n,
      attributes: {
        'k8s.event.message': 'm'.repeat(i === big?.at ? big.chars : messageChars),
        'k8s.event.seq': i,
      },
    }),
  );
}

function received(requests: DecodedRequest[]) {
  return requests.flatMap((r) => flattenSpans(r));
}

const total = (rs: ExportResult[], f: (r: ExportResult) => number) =>
  rs.reduce((a, r) => a + f(r), 0);

describe('otlp exporters: a batch the backend refuses as too large', function () {
  this.timeout(60_000);

  describe('over gRPC (a real grpc-js server, 4 MiB message limit)', () => {
    let receiver: GrpcReceiver;
    beforeEach(async () => {
      receiver = await GrpcReceiver.start();
    });
    afterEach(() => receiver.stop());
    const config = () => ({
      endpoint: receiver.endpoint,
      tls: { insecure: true },
      retry: FAST_RETRY,
      batch: { max_size: 512, timeout: '50ms' },
    });

    it('a 50 MB message with 21 normal spans: limited as the processor does, all 22 arrive', async () => {
      const spans = eventSpans(22, 200, { at: 7, chars: 50 * MB });
      const registry = new MetricsRegistry();
      const limit = spanValueLimiter({ metrics: registry.metricsFor('causality') }, 8192);
      const results = await exportGrpc(config(), { spans: spans.map((s) => limit(s)) });
      const got = received(receiver.calls.map((c) => c.request));
      expect(got).to.have.length(22);
      expect(new Set(got.map((s) => s.spanId)).size).to.equal(22);
      const big = got.find((s) => s.spanId === spanId(7))!;
      expect(attr(big.attributes, 'k8s.event.message')!.stringValue).to.have.length(8192);
      expect(total(results, (r) => r.failedSpans)).to.equal(0);
      expect(await registry.registry.metrics()).to.match(
        /kspan_span_values_truncated_total\{component="causality"\} 1\b/,
      );
    });

    // 6 MB rather than 50: the oversized span goes out once per halving (5 times), and 50 MB a time
    // costs seconds each on a small machine.
    it('a span over the limit unlimited: the other 21 still arrive, the one is counted as too_large', async () => {
      const spans: ReadableSpan[] = eventSpans(22, 200, { at: 7, chars: 6 * MB });
      const results = await exportGrpc(config(), { spans });
      const got = received(receiver.calls.map((c) => c.request));
      expect(got.map((s) => s.spanId).sort()).to.deep.equal(
        spans.map((s) => s.spanContext().spanId).filter((id) => id !== spanId(7)),
      );
      expect(total(results, (r) => r.spans)).to.equal(22);
      const lost = results.filter((r) => r.failedSpans > 0);
      expect(lost).to.have.length(1);
      expect(lost[0]).to.include({ spans: 1, failedSpans: 1, reason: 'too_large' });
    });

    it('22 spans of 300 KB (6.6 MB, each under the limit) arrive in split requests', async () => {
      const spans = eventSpans(22, 300 * 1024);
      const results = await exportGrpc(config(), { spans });
      const got = received(receiver.calls.map((c) => c.request));
      expect(got).to.have.length(22);
      expect(new Set(got.map((s) => s.spanId)).size).to.equal(22);
      expect(results.every((r) => r.code === 'success')).to.equal(true);
      expect(results.length).to.be.at.least(2);
    });
  });

  describe('over HTTP (413 Payload Too Large)', () => {
    let receiver: OtlpHttpReceiver;
    beforeEach(async () => {
      receiver = await startOtlpHttpReceiver();
    });
    afterEach(() => receiver.stop());

    it('sends the refused batch again in halves: every span arrives once', async () => {
      receiver.replies = [{ status: 413, body: 'request entity too large' }];
      const spans = eventSpans(10, 100);
      const results = await exportHttp(
        {
          endpoint: `http://127.0.0.1:${receiver.port}`,
          retry: FAST_RETRY,
          batch: { max_size: 512, timeout: '50ms' },
        },
        { spans },
      );
      expect(receiver.calls).to.have.length(3);
      const got = received(receiver.calls.slice(1).map((c) => c.request));
      expect(got.map((s) => s.spanId).sort()).to.deep.equal(spans.map((_, i) => spanId(i)));
      expect(results.map((r) => [r.code, r.spans])).to.deep.equal([
        ['success', 5],
        ['success', 5],
      ]);
      expect(total(results, (r) => r.attempts)).to.equal(3);
    });
  });
});
