import { expect } from 'chai';
import { OtlpHttpConfigSchema, otlpHttpExport, otlpHttpExporter } from '../src/index.js';
import {
  FAST_RETRY,
  POD_ID,
  ROOT_ID,
  RS_ID,
  TRACE_ID,
  deadPort,
  exportRunner,
} from '@kspan/testing';
import { startOtlpHttpReceiver, type OtlpHttpReceiver } from './http-receiver.js';
import { ExportResponse, RpcStatus, attr, flattenSpans } from './otlp-proto.js';
import { tlsFile } from './tls-files.js';

const exportAll = exportRunner(otlpHttpExport, OtlpHttpConfigSchema, 'otlp_http');

function expectSampleTrace(req: Parameters<typeof flattenSpans>[0]) {
  const spans = flattenSpans(req);
  expect(spans).to.have.length(3);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (const s of spans) expect(s.traceId).to.equal(TRACE_ID);
  expect(byId.get(RS_ID)!.parentSpanId).to.equal(ROOT_ID);
  expect(byId.get(POD_ID)!.parentSpanId).to.equal(RS_ID);
  expect(byId.get(POD_ID)!.service).to.equal('default-scheduler');
  expect(byId.get(POD_ID)!.status).to.deep.equal({ code: 2, message: '0/3 nodes are available' });
  expect(attr(byId.get(ROOT_ID)!.attributes, 'k8s.event.count')).to.deep.equal({ intValue: '2' });
  expect(byId.get(RS_ID)!.events[0]!.name).to.equal('occurrence');
}

describe('otlp_http exporter against a real HTTP receiver', () => {
  let receiver: OtlpHttpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpHttpReceiver();
  });
  afterEach(() => receiver.stop());

  it('is a factory named otlp_http', () => {
    expect(otlpHttpExporter.type).to.equal('otlp_http');
    expect(otlpHttpExporter.kind).to.equal('exporter');
  });

  it('POSTs uncompressed protobuf by default', async () => {
    await exportAll({ endpoint: receiver.url, retry: FAST_RETRY });
    const call = receiver.calls[0]!;
    expect(call.headers['content-type']).to.equal('application/x-protobuf');
    expect(call.headers['content-encoding']).to.equal(undefined);
    expectSampleTrace(call.request);
  });

  it('POSTs gzipped protobuf to <endpoint>/v1/traces with compression: gzip', async () => {
    const results = await exportAll({
      endpoint: receiver.url,
      compression: 'gzip',
      retry: FAST_RETRY,
    });
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'success', spans: 3, attempts: 1 });
    const call = receiver.calls[0]!;
    expect(call.path).to.equal('/v1/traces');
    expect(call.headers['content-type']).to.equal('application/x-protobuf');
    expect(call.headers['content-encoding']).to.equal('gzip');
    expect(call.headers['user-agent']).to.match(/kspan-exporter-otlp/);
    expectSampleTrace(call.request);
  });

  it('POSTs uncompressed OTLP/JSON with hex ids when encoding is json', async () => {
    await exportAll({ endpoint: receiver.url, encoding: 'json', compression: 'none' });
    const call = receiver.calls[0]!;
    expect(call.headers['content-type']).to.equal('application/json');
    expect(call.headers['content-encoding']).to.equal(undefined);
    expectSampleTrace(call.request);
    expect(flattenSpans(call.request)[0]!.startTimeUnixNano).to.be.a('string');
  });

  it('uses traces_endpoint as is, and sends the configured headers', async () => {
    await exportAll({
      traces_endpoint: `${receiver.url}/custom/path`,
      headers: { Authorization: 'Bearer t0ken' },
    });
    expect(receiver.calls[0]!.path).to.equal('/custom/path');
    expect(receiver.calls[0]!.headers.authorization).to.equal('Bearer t0ken');
  });

  it('takes the endpoint and protocol from the environment when the config has none', async () => {
    await exportAll(
      {},
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/prefix/`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
      },
    );
    expect(receiver.calls[0]!.path).to.equal('/prefix/v1/traces');
    expect(receiver.calls[0]!.headers['content-type']).to.equal('application/json');
  });

  it('retries a 429 after the Retry-After it names', async () => {
    receiver.replies = [{ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }];
    const [result] = await exportAll({
      endpoint: receiver.url,
      retry: { ...FAST_RETRY, max_interval: '3s' },
    });
    expect(result).to.include({ code: 'success', attempts: 2 });
    expect(receiver.calls).to.have.length(2);
    expect(receiver.calls[1]!.at - receiver.calls[0]!.at).to.be.at.least(950);
  });

  it('retries 502, 503 and 504 without Retry-After on its own schedule', async () => {
    receiver.replies = [{ status: 502 }, { status: 503 }, { status: 504 }];
    const [result] = await exportAll({ endpoint: receiver.url, retry: FAST_RETRY });
    expect(result).to.include({ code: 'success', attempts: 4 });
  });

  it('does not retry a 400, and reports the server’s reason', async () => {
    const status = RpcStatus.encode(
      RpcStatus.create({ code: 3, message: 'bad trace id' }),
    ).finish();
    receiver.replies = [
      {
        status: 400,
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(status),
      },
    ];
    const [result] = await exportAll({ endpoint: receiver.url, retry: FAST_RETRY });
    expect(result).to.include({
      code: 'failure',
      reason: 'permanent_error',
      attempts: 1,
      failedSpans: 3,
    });
    expect(result!.error?.message).to.equal('HTTP 400: bad trace id');
    expect(receiver.calls).to.have.length(1);
  });

  it('reports a protobuf partial success without retrying', async () => {
    const body = ExportResponse.encode(
      ExportResponse.create({ partialSuccess: { rejectedSpans: 1, errorMessage: 'too old' } }),
    ).finish();
    receiver.replies = [
      {
        status: 200,
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(body),
      },
    ];
    const [result] = await exportAll({ endpoint: receiver.url });
    expect(result).to.include({
      code: 'failure',
      failedSpans: 1,
      reason: 'partial_success',
      attempts: 1,
    });
  });

  it('reports a JSON partial success (int64 as a string) without retrying', async () => {
    receiver.replies = [
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'dup' } }),
      },
    ];
    const [result] = await exportAll({ endpoint: receiver.url, encoding: 'json' });
    expect(result).to.include({ code: 'failure', failedSpans: 2, reason: 'partial_success' });
  });

  it('ends a request that gets no answer at the timeout, as retryable', async () => {
    receiver.replies = [{ hang: true }];
    const [result] = await exportAll({
      endpoint: receiver.url,
      timeout: '100ms',
      retry: { ...FAST_RETRY, enabled: false },
    });
    expect(result).to.include({ code: 'failure', reason: 'retries_exhausted', attempts: 1 });
    expect(result!.error?.message).to.match(/no answer within 100 ms/);
  });

  it('retries a refused connection until max_elapsed, then reports retries_exhausted', async () => {
    const port = await deadPort();
    const [result] = await exportAll({
      endpoint: `http://127.0.0.1:${port}`,
      retry: { initial_interval: '10ms', max_interval: '40ms', max_elapsed: '200ms' },
    });
    expect(result).to.include({ code: 'failure', reason: 'retries_exhausted' });
    expect(result!.attempts).to.be.greaterThan(1);
    expect(result!.error?.message).to.match(/ECONNREFUSED/);
  });
});

describe('otlp_http exporter over HTTPS', () => {
  let receiver: OtlpHttpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpHttpReceiver({ tls: true });
  });
  afterEach(() => receiver.stop());
  const ca = tlsFile('ca.pem');

  it('verifies the server against ca_file', async () => {
    const [result] = await exportAll({ endpoint: receiver.url, tls: { ca_file: ca } });
    expect(result).to.include({ code: 'success' });
    expect(receiver.calls).to.have.length(1);
  });

  it('fails, without retrying, against a server whose CA it does not know', async () => {
    const [result] = await exportAll({ endpoint: receiver.url, retry: FAST_RETRY });
    expect(result).to.include({ code: 'failure', reason: 'permanent_error', attempts: 1 });
    expect(receiver.calls).to.have.length(0);
  });

  it('skips verification with insecure_skip_verify', async () => {
    const [result] = await exportAll({
      endpoint: receiver.url,
      tls: { insecure_skip_verify: true },
    });
    expect(result).to.include({ code: 'success' });
  });
});
