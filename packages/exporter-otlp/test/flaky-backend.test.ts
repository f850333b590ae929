// A backend that answers UNAVAILABLE to 70 % of calls (a seeded choice, so every run is the same):
// every span the exporter says it sent is received exactly once, and the retry counters add up to
// the calls the server saw. The unit run sends 10k spans; KSPAN_FLAKY_SPANS=100000 runs the issue's
// 100k (18-23 s on two busy cores: 196 batches, 661 calls, 465 of them refused).
import { expect } from 'chai';
import { status, type Server } from '@grpc/grpc-js';
import { MetricsRegistry, type ExportResult } from '@kspan/core';
import {
  T0,
  exportRunner,
  listenOnLoopback,
  makeSpan,
  testContext,
  traceServiceServer,
} from '@kspan/testing';
import { OtlpGrpcConfigSchema, otlpGrpcExport } from '../src/index.js';
import { decodeExportRequest, encodeExportResponse, flattenSpans } from './otlp-proto.js';

const exportGrpc = exportRunner(otlpGrpcExport, OtlpGrpcConfigSchema, 'otlp');
const SPANS = Number(process.env.KSPAN_FLAKY_SPANS ?? 10_000);
const FAIL_RATE = 0.7;

/** Park–Miller: the same "random" sequence of answers every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647;
}

interface FlakyServer {
  server: Server;
  port: number;
  unavailable: number;
  ok: number;
  received: Map<string, number>;
}

async function startFlaky(): Promise<FlakyServer> {
  const random = seeded(13);
  const flaky: FlakyServer = {
    server: traceServiceServer((call, callback) => {
      if (random() < FAIL_RATE) {
        flaky.unavailable++;
        return callback({ code: status.UNAVAILABLE, details: 'flaky backend says no' });
      }
      flaky.ok++;
      for (const s of flattenSpans(decodeExportRequest(call.request)))
        flaky.received.set(s.spanId, (flaky.received.get(s.spanId) ?? 0) + 1);
      callback(null, encodeExportResponse(0));
    }),
    port: 0,
    unavailable: 0,
    ok: 0,
    received: new Map(),
  };
  flaky.port = await listenOnLoopback(flaky.server);
  return flaky;
}

describe('otlp exporter against a flaky backend (70 % UNAVAILABLE)', function () {
  this.timeout(Math.max(60_000, SPANS * 3));
  let flaky: FlakyServer;
  before(async () => {
    flaky = await startFlaky();
  });
  after(() => flaky.server.forceShutdown());

  it(`${SPANS} spans: sent == received, none twice, retries add up`, async () => {
    const spans = Array.from({ length: SPANS }, (_, i) =>
      makeSpan({
        traceId: (0x7000_0000 + Math.floor(i / 20)).toString(16).padStart(32, '0'),
        spanId: (0x1000_0000 + i).toString(16).padStart(16, '0'),
        name: 'Pod.Started',
        startNs: T0 + BigInt(i) * 1000n,
        attributes: { 'k8s.pod.name': `pod-${i}`, 'k8s.event.reason': 'Started' },
      }),
    );
    const registry = new MetricsRegistry();
    const started = performance.now();
    const results: ExportResult[] = await exportGrpc(
      {
        endpoint: `127.0.0.1:${flaky.port}`,
        tls: { insecure: true },
        // Quick retries, a budget no streak of refusals at 70 % comes near, and a queue that holds
        // the whole replay (a replay emits everything at once; the default 10k would drop the rest).
        retry: { initial_interval: '2ms', max_interval: '10ms', max_elapsed: '60s' },
        queue: { size: SPANS, concurrency: 4 },
      },
      { spans, ctx: testContext('otlp', { metrics: registry.metricsFor('otlp') }) },
    );
    const seconds = (performance.now() - started) / 1000;

    const sum = (f: (r: ExportResult) => number) => results.reduce((a, r) => a + f(r), 0);
    const sent = sum((r) => r.spans - r.failedSpans);
    const attempts = sum((r) => r.attempts);
    const requests = (outcome: string, s: string) =>
      registry.value('exporter_requests_total', { outcome, status: s });
    console.log(
      `      ${SPANS} spans in ${results.length} batches, ${seconds.toFixed(1)} s: ` +
        `${flaky.ok + flaky.unavailable} calls (${flaky.unavailable} UNAVAILABLE, ${flaky.ok} OK), ` +
        `received ${flaky.received.size}`,
    );

    expect(
      sum((r) => r.failedSpans),
      'spans lost',
    ).to.equal(0);
    expect(sent).to.equal(SPANS);
    expect(flaky.received.size, 'distinct spans received').to.equal(SPANS);
    expect(
      [...flaky.received.values()].every((n) => n === 1),
      'a span received twice',
    ).to.equal(true);
    // The refusals really happened at about the rate asked, and every one was retried.
    expect(flaky.unavailable / (flaky.unavailable + flaky.ok)).to.be.within(0.6, 0.8);
    expect(attempts).to.equal(flaky.ok + flaky.unavailable);
    expect(attempts - results.length).to.equal(flaky.unavailable);
    expect(await requests('retryable', 'UNAVAILABLE')).to.equal(flaky.unavailable);
    expect(await requests('success', 'OK')).to.equal(flaky.ok);
    expect(flaky.ok).to.equal(results.length);
  });
});
