import { expect } from 'chai';
import { Metadata, status } from '@grpc/grpc-js';
import { MetricsRegistry } from '@kspan/core';
import { OtlpGrpcConfigSchema, otlpExporter, otlpGrpcExport } from '../src/index.js';
import {
  FAST_RETRY,
  POD_ID,
  ROOT_ID,
  RS_ID,
  T0,
  TRACE_ID,
  deadPort,
  exportRunner,
  sampleTrace,
  testContext,
  withDefaults,
} from '@kspan/testing';
import { GrpcReceiver } from './grpc-receiver.js';
import { attr, encodeStatusWithRetryInfo, flattenSpans } from './otlp-proto.js';

const exportAll = exportRunner(otlpGrpcExport, OtlpGrpcConfigSchema, 'otlp');

describe('otlp exporter (gRPC) against a real gRPC receiver', () => {
  let receiver: GrpcReceiver;
  beforeEach(async () => {
    receiver = await GrpcReceiver.start();
  });
  afterEach(() => receiver.stop());

  const base = () => ({ endpoint: receiver.endpoint, tls: { insecure: true }, retry: FAST_RETRY });

  it('is a factory that does no I/O in create()', () => {
    const op = otlpExporter.create(
      withDefaults(OtlpGrpcConfigSchema, { endpoint: receiver.endpoint }),
      testContext('otlp'),
    );
    expect(op).to.be.a('function');
    expect(receiver.calls).to.have.length(0);
    expect(otlpExporter.type).to.equal('otlp');
    expect(otlpExporter.consumes).to.equal('spans');
  });

  it('delivers ids, names, attributes, resource, events, links and status intact', async () => {
    const results = await exportAll(base());
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'success', spans: 3, failedSpans: 0, attempts: 1 });
    expect(receiver.calls).to.have.length(1);

    const spans = flattenSpans(receiver.calls[0]!.request);
    expect(spans.map((s) => s.name).sort()).to.deep.equal([
      'Deployment.ScalingReplicaSet',
      'Pod.FailedScheduling',
      'ReplicaSet.SuccessfulCreate',
    ]);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans) expect(s.traceId).to.equal(TRACE_ID);

    const root = byId.get(ROOT_ID)!;
    expect(root.parentSpanId ?? '').to.equal('');
    expect(root.service).to.equal('deployment-controller');
    expect(root.startTimeUnixNano).to.equal(T0.toString());
    expect(root.endTimeUnixNano).to.equal((T0 + 3_000_000_000n).toString());
    expect(attr(root.attributes, 'k8s.deployment.name')).to.deep.equal({ stringValue: 'web' });
    expect(attr(root.attributes, 'k8s.event.count')).to.deep.equal({ intValue: '2' });
    expect(attr(root.attributes, 'k8s.event.ratio')).to.deep.equal({ doubleValue: 0.5 });
    expect(attr(root.attributes, 'k8s.event.warning')).to.deep.equal({ boolValue: false });

    const rs = byId.get(RS_ID)!;
    expect(rs.parentSpanId).to.equal(ROOT_ID);
    expect(rs.service).to.equal('replicaset-controller');
    expect(rs.events).to.have.length(1);
    expect(rs.events[0]!.name).to.equal('occurrence');
    expect(rs.events[0]!.timeUnixNano).to.equal((T0 + 200_000_000n).toString());
    expect(attr(rs.events[0]!.attributes, 'k8s.event.count')).to.deep.equal({ intValue: '1' });
    expect(rs.links).to.have.length(1);
    expect(rs.links[0]).to.include({ traceId: TRACE_ID, spanId: POD_ID });

    const pod = byId.get(POD_ID)!;
    expect(pod.parentSpanId).to.equal(RS_ID);
    expect(pod.service).to.equal('default-scheduler');
    expect(pod.status).to.deep.equal({ code: 2, message: '0/3 nodes are available' });
  });

  it('sends config and environment headers as metadata, config winning per key', async () => {
    await exportAll(
      { ...base(), headers: { 'X-API-Key': 'from-config' }, compression: 'none' },
      { env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=from-env,x-tenant=team%20a' } },
    );
    const md = receiver.calls[0]!.metadata;
    expect(md['x-api-key']).to.equal('from-config');
    expect(md['x-tenant']).to.equal('team a');
    expect(md['user-agent']).to.match(/kspan-exporter-otlp/);
  });

  it('retries UNAVAILABLE and succeeds on the third attempt', async () => {
    receiver.replies = [{ code: status.UNAVAILABLE }, { code: status.UNAVAILABLE }];
    const registry = new MetricsRegistry();
    const results = await exportAll(base(), {
      ctx: testContext('otlp', { metrics: registry.metricsFor('otlp') }),
    });
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'success', failedSpans: 0, attempts: 3 });
    expect(receiver.calls).to.have.length(3);
    expect(await registry.value('exporter_requests_total', { outcome: 'retryable' })).to.equal(2);
    expect(
      await registry.value('exporter_requests_total', { outcome: 'success', status: 'OK' }),
    ).to.equal(1);
  });

  it('does not retry INVALID_ARGUMENT', async () => {
    receiver.replies = [{ code: status.INVALID_ARGUMENT, details: 'bad span' }];
    const [result] = await exportAll(base());
    expect(result).to.include({
      code: 'failure',
      failedSpans: 3,
      reason: 'permanent_error',
      attempts: 1,
    });
    expect(result!.error?.message).to.match(/INVALID_ARGUMENT/);
    expect(receiver.calls).to.have.length(1);
  });

  it('reports a partial success as failed spans and does not retry it', async () => {
    receiver.replies = [{ rejected: 2, message: 'spans too old' }];
    const [result] = await exportAll(base());
    expect(result).to.include({
      code: 'failure',
      spans: 3,
      failedSpans: 2,
      reason: 'partial_success',
      attempts: 1,
    });
    expect(result!.error?.message).to.match(/spans too old/);
    expect(receiver.calls).to.have.length(1);
  });

  it('does not retry RESOURCE_EXHAUSTED without RetryInfo (nor split it when not about size)', async () => {
    receiver.replies = [{ code: status.RESOURCE_EXHAUSTED, details: 'tenant quota used up' }];
    const [result] = await exportAll(base());
    expect(result).to.include({ code: 'failure', reason: 'permanent_error', attempts: 1 });
  });

  it('retries RESOURCE_EXHAUSTED with RetryInfo, waiting as long as the server asked', async () => {
    const trailers = new Metadata();
    trailers.set(
      'grpc-status-details-bin',
      encodeStatusWithRetryInfo(status.RESOURCE_EXHAUSTED, 'slow down', 120),
    );
    receiver.replies = [{ code: status.RESOURCE_EXHAUSTED, details: 'slow down', trailers }];
    const started = Date.now();
    const [result] = await exportAll({ ...base(), retry: { ...FAST_RETRY, max_interval: '2s' } });
    expect(result).to.include({ code: 'success', attempts: 2 });
    expect(Date.now() - started).to.be.at.least(110);
  });

  it('gives up on a dead endpoint once max_elapsed has passed, without throwing', async () => {
    const port = await deadPort();
    const results = await exportAll({
      endpoint: `127.0.0.1:${port}`,
      tls: { insecure: true },
      retry: { initial_interval: '10ms', max_interval: '50ms', max_elapsed: '300ms' },
    });
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'failure', failedSpans: 3, reason: 'retries_exhausted' });
    expect(results[0]!.attempts).to.be.greaterThan(1);
    expect(results[0]!.error?.message).to.match(/UNAVAILABLE/);
  });

  it('ends a call that gets no answer at the timeout (DEADLINE_EXCEEDED, retryable)', async () => {
    receiver.replies = [{ hang: true }];
    const [result] = await exportAll({ ...base(), timeout: '100ms' });
    expect(result).to.include({ code: 'success', attempts: 2 });
    expect(receiver.calls).to.have.length(2);
  });

  it('fails a batch it cannot encode without erroring the stream', async () => {
    const broken = {
      ...sampleTrace()[0]!,
      spanContext: () => {
        throw new Error('broken span');
      },
    };
    const results = await exportAll(base(), { spans: [broken] });
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'failure', reason: 'permanent_error', failedSpans: 1 });
    expect(receiver.calls).to.have.length(0);
  });

  it('reports a batch as shut down when the signal aborts during retries', async () => {
    receiver.replies = Array.from({ length: 100 }, () => ({ code: status.UNAVAILABLE }));
    const abort = new AbortController();
    const ctx = testContext('otlp', { signal: abort.signal });
    const done = exportAll(
      { ...base(), retry: { initial_interval: '20ms', max_interval: '20ms', max_elapsed: '1m' } },
      { ctx },
    );
    while (receiver.calls.length < 2) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    const [result] = await done;
    expect(result).to.include({ code: 'failure', reason: 'shutdown', failedSpans: 3 });
  });
});
