import { expect } from 'chai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ZipkinExporterConfigSchema,
  encodeZipkinSpan,
  resolveZipkinSettings,
  zipkinExport,
  zipkinExporter,
} from '../src/index.js';
import {
  FAST_RETRY,
  POD_ID,
  ROOT_ID,
  RS_ID,
  T0,
  TRACE_ID,
  HttpReceiver,
  deadPort,
  exportRunner,
  hr,
  makeSpan,
  withDefaults,
  type HttpRequestRecord,
} from '@kspan/testing';

const exportAll = exportRunner(zipkinExport, ZipkinExporterConfigSchema, 'zipkin');

type ZipkinCall = HttpRequestRecord & { spans: Array<Record<string, unknown>> };

/** A Zipkin-like intake at /api/v2/spans: answers 202 and keeps each JSON v2 span list. */
const startIntake = () =>
  HttpReceiver.start<ZipkinCall>({
    path: '/api/v2/spans',
    defaultStatus: 202,
    record: (call) => ({
      ...call,
      spans: JSON.parse(call.body.toString('utf8')) as ZipkinCall['spans'],
    }),
  });

/** ns → whole µs, rounded to nearest */
const µs = (ns: bigint) => Number((ns + 500n) / 1000n);

describe('zipkin exporter against a real HTTP intake', () => {
  let receiver: HttpReceiver<ZipkinCall>;
  beforeEach(async () => {
    receiver = await startIntake();
  });
  afterEach(() => receiver.stop());

  it('is a factory named zipkin that consumes spans', () => {
    expect(zipkinExporter).to.include({ kind: 'exporter', type: 'zipkin', consumes: 'spans' });
  });

  it('sends names, ids, parentId, serviceName, tags and µs timestamps as JSON v2', async () => {
    const results = await exportAll({ endpoint: receiver.url, headers: { 'X-Scope': 'k8s' } });
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'success', spans: 3, attempts: 1 });
    const call = receiver.calls[0]!;
    expect(call.path).to.equal('/api/v2/spans');
    expect(call.headers['content-type']).to.equal('application/json');
    expect(call.headers['x-scope']).to.equal('k8s');

    const byId = new Map(call.spans.map((s) => [s.id, s]));
    for (const s of call.spans) expect(s.traceId).to.equal(TRACE_ID);

    const root = byId.get(ROOT_ID)!;
    expect(root.name).to.equal('Deployment.ScalingReplicaSet');
    expect(root).not.to.have.property('parentId');
    expect(root).not.to.have.property('kind'); // internal spans carry no kind
    expect(root.localEndpoint).to.deep.equal({ serviceName: 'deployment-controller' });
    expect(root.timestamp).to.equal(µs(T0));
    expect(Number.isInteger(root.timestamp)).to.equal(true);
    expect(root.duration).to.equal(3_000_000);
    expect(root.tags).to.deep.include({
      'k8s.deployment.name': 'web',
      'k8s.event.count': '2',
      'k8s.event.warning': 'false',
      'k8s.cluster.name': 'test',
    });

    const rs = byId.get(RS_ID)!;
    expect(rs.parentId).to.equal(ROOT_ID);
    expect(rs.localEndpoint).to.deep.equal({ serviceName: 'replicaset-controller' });
    expect(rs.annotations).to.deep.equal([
      { timestamp: µs(T0 + 200_000_000n), value: '"occurrence": {"k8s.event.count":1}' },
    ]);

    const pod = byId.get(POD_ID)!;
    expect(pod.parentId).to.equal(RS_ID);
    expect(pod.tags).to.deep.include({
      'otel.status_code': 'ERROR',
      error: '0/3 nodes are available',
    });
  });

  it('retries a 503 and honours Retry-After', async () => {
    receiver.replies = [{ status: 503, headers: { 'retry-after': '1' } }];
    const [result] = await exportAll({
      endpoint: receiver.url,
      retry: { ...FAST_RETRY, max_interval: '3s' },
    });
    expect(result).to.include({ code: 'success', attempts: 2 });
    expect(receiver.calls[1]!.at - receiver.calls[0]!.at).to.be.at.least(950);
  });

  it('does not retry a 400', async () => {
    receiver.replies = [{ status: 400, body: 'Malformed reading List<Span> from json' }];
    const [result] = await exportAll({ endpoint: receiver.url, retry: FAST_RETRY });
    expect(result).to.include({
      code: 'failure',
      reason: 'permanent_error',
      attempts: 1,
      failedSpans: 3,
    });
    expect(result!.error?.message).to.match(/^HTTP 400: Malformed/);
  });

  it('gives up on a refused connection after max_elapsed, without throwing', async () => {
    const port = await deadPort();
    const [result] = await exportAll({
      endpoint: `http://127.0.0.1:${port}/api/v2/spans`,
      retry: { initial_interval: '10ms', max_interval: '40ms', max_elapsed: '200ms' },
    });
    expect(result).to.include({ code: 'failure', reason: 'retries_exhausted' });
  });

  it('takes the endpoint from OTEL_EXPORTER_ZIPKIN_ENDPOINT when the config has none', async () => {
    await exportAll({}, { env: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: receiver.url } });
    expect(receiver.calls).to.have.length(1);
  });
});

describe('zipkin settings and encoding', () => {
  const settings = (config: Record<string, unknown>, env: Record<string, string>) =>
    resolveZipkinSettings(withDefaults(ZipkinExporterConfigSchema, config), env);

  it('resolves config over env over defaults', () => {
    expect(settings({}, {})).to.deep.include({ timeoutMs: 10_000 });
    expect(settings({}, {}).url.href).to.equal('http://localhost:9411/api/v2/spans');
    const env = {
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin.observability:9411/api/v2/spans',
      OTEL_EXPORTER_ZIPKIN_TIMEOUT: '2500',
    };
    expect(settings({}, env).url.host).to.equal('zipkin.observability:9411');
    expect(settings({}, env).timeoutMs).to.equal(2500);
    const s = settings({ endpoint: 'https://z.example/api/v2/spans', timeout: '1s' }, env);
    expect(s.url.href).to.equal('https://z.example/api/v2/spans');
    expect(s.timeoutMs).to.equal(1000);
  });

  it('sets an empty error tag on an error status without a description', () => {
    const span = makeSpan({
      spanId: POD_ID,
      name: 'x',
      startNs: T0,
      status: { code: SpanStatusCode.ERROR },
    });
    expect(encodeZipkinSpan(span).tags).to.deep.include({ error: '', 'otel.status_code': 'ERROR' });
    const ok = makeSpan({ spanId: POD_ID, name: 'x', startNs: T0, attributes: { error: false } });
    expect(encodeZipkinSpan(ok).tags).not.to.have.property('error');
  });

  it('writes whole microseconds, at least one, and arrays as JSON lists', () => {
    const span = makeSpan({
      spanId: POD_ID,
      name: 'x',
      startNs: 1_714_557_600_000_000_700n,
      durationNs: 0n,
      attributes: { 'k8s.container.names': ['app', 'sidecar'] },
    });
    const z = encodeZipkinSpan(span);
    expect(z.timestamp).to.equal(1_714_557_600_000_001);
    expect(z.duration).to.equal(1);
    expect(z.tags['k8s.container.names']).to.equal('["app","sidecar"]');
  });

  it('names the service unknown_service when the resource has none', () => {
    const span = {
      ...makeSpan({ spanId: POD_ID, name: 'x', startNs: T0 }),
      resource: { attributes: {} },
    };
    expect(encodeZipkinSpan(span as unknown as ReadableSpan).localEndpoint.serviceName).to.equal(
      'unknown_service',
    );
    expect(hr(1_000_000_001n)).to.deep.equal([1, 1]);
  });
});
