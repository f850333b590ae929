import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileExporterConfigSchema,
  encodeOtlpJson,
  fileExport,
  fileExporter,
  type LineSink,
  type OtlpJsonTraceRequest,
} from '../src/index.js';
import {
  ROOT_ID,
  RS_ID,
  TRACE_ID,
  makeSpan,
  sampleTrace,
  T0,
  testContext,
  withDefaults,
} from '@kspan/testing';

describe('file exporter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kspan-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes one OTLP/JSON ExportTraceServiceRequest per batch, one per line', async () => {
    const path = join(dir, 'sub', 'traces.jsonl');
    const spans = sampleTrace();
    const config = withDefaults(FileExporterConfigSchema, { path, batch: { max_size: 2 } });
    const results = await lastValueFrom(
      from(spans).pipe(fileExporter.create(config, testContext('file')), toArray()),
    );
    expect(results.map((r) => [r.code, r.spans])).to.deep.equal([
      ['success', 2],
      ['success', 1],
    ]);

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).to.equal(''); // ends with a newline
    expect(lines).to.have.length(2);
    const parsed = lines.map((l) => JSON.parse(l) as OtlpJsonTraceRequest);
    for (const req of parsed) {
      expect(req).to.have.property('resourceSpans').that.is.an('array').that.is.not.empty;
      for (const rs of req.resourceSpans)
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) {
            expect(s.traceId).to.match(/^[0-9a-f]{32}$/);
            expect(s.spanId).to.match(/^[0-9a-f]{16}$/);
            if (s.parentSpanId !== undefined) expect(s.parentSpanId).to.match(/^[0-9a-f]{16}$/);
            expect(s.startTimeUnixNano).to.match(/^\d+$/);
          }
    }
    expect(parsed[0]).to.deep.equal(encodeOtlpJson(spans.slice(0, 2)));
    expect(parsed[1]).to.deep.equal(encodeOtlpJson(spans.slice(2)));
  });

  it('appends to an existing file', async () => {
    const path = join(dir, 'traces.jsonl');
    const config = withDefaults(FileExporterConfigSchema, { path });
    for (let i = 0; i < 2; i++)
      await lastValueFrom(
        from(sampleTrace()).pipe(fileExport(config, testContext('file')), toArray()),
      );
    expect((await readFile(path, 'utf8')).trim().split('\n')).to.have.length(2);
  });

  it('fails a batch it cannot encode, and goes on with the next', async () => {
    const path = join(dir, 'traces.jsonl');
    const broken = {
      ...makeSpan({ spanId: '00000000000000ff', name: 'broken', startNs: T0 }),
      spanContext: () => {
        throw new Error('broken span');
      },
    };
    const config = withDefaults(FileExporterConfigSchema, { path, batch: { max_size: 1 } });
    const results = await lastValueFrom(
      from([broken, ...sampleTrace().slice(0, 1)]).pipe(
        fileExport(config, testContext('file')),
        toArray(),
      ),
    );
    expect(results.map((r) => r.code)).to.deep.equal(['failure', 'success']);
    expect(results[0]!.error?.message).to.equal('broken span');
    expect((await readFile(path, 'utf8')).trim().split('\n')).to.have.length(1);
  });

  it('reports a failed write as a failed batch, never as a stream error', async () => {
    const sink: LineSink = {
      write: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
      close: () => Promise.resolve(),
    };
    const config = withDefaults(FileExporterConfigSchema, { path: 'unused' });
    const results = await lastValueFrom(
      from(sampleTrace()).pipe(
        fileExport(config, testContext('file'), () => sink),
        toArray(),
      ),
    );
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ code: 'failure', failedSpans: 3, reason: 'permanent_error' });
  });

  it("goes through core's sending queue: a slow sink drops what does not fit, counted, and keeps order", async () => {
    const written: string[] = [];
    const pending: Array<() => void> = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const sink: LineSink = {
      write: (line) =>
        new Promise<void>((resolve) => {
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          pending.push(() => {
            inFlight--;
            written.push(
              (JSON.parse(Buffer.from(line).toString()) as OtlpJsonTraceRequest).resourceSpans[0]!
                .scopeSpans[0]!.spans[0]!.name,
            );
            resolve();
          });
        }),
      close: () => Promise.resolve(),
    };
    const config = withDefaults(FileExporterConfigSchema, {
      path: 'unused',
      batch: { max_size: 1 },
      queue: { size: 2 },
    });
    const spans = ['a', 'b', 'c', 'd'].map((name, i) =>
      makeSpan({ spanId: `000000000000000${i + 1}`, name, startNs: T0 }),
    );
    const done = lastValueFrom(
      from(spans).pipe(
        fileExport(config, testContext('file'), () => sink),
        toArray(),
      ),
    );
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      pending.shift()?.();
    }
    const results = await done;
    expect(results.filter((r) => r.code === 'dropped').map((r) => r.reason)).to.deep.equal([
      'queue_full',
      'queue_full',
    ]);
    expect(written).to.deep.equal(['a', 'b']);
    expect(mostInFlight).to.equal(1);
  });
});

describe('encodeOtlpJson', () => {
  it('writes the Collector file format: camelCase, hex ids, string nanos, string int64', () => {
    const req = encodeOtlpJson(sampleTrace());
    expect(req.resourceSpans).to.have.length(3); // one per service.name resource
    const root = req.resourceSpans[0]!;
    expect(root.resource!.attributes).to.deep.include({
      key: 'service.name',
      value: { stringValue: 'deployment-controller' },
    });
    const span = root.scopeSpans[0]!.spans[0]!;
    expect(root.scopeSpans[0]!.scope).to.deep.include({ name: 'kspan', version: '0.1.0' });
    expect(span).to.include({
      traceId: TRACE_ID,
      spanId: ROOT_ID,
      name: 'Deployment.ScalingReplicaSet',
      kind: 1,
      startTimeUnixNano: T0.toString(),
    });
    expect(span).not.to.have.property('parentSpanId');
    expect(span.attributes).to.deep.include({ key: 'k8s.event.count', value: { intValue: '2' } });
    expect(span.attributes).to.deep.include({
      key: 'k8s.event.ratio',
      value: { doubleValue: 0.5 },
    });
    const child = req.resourceSpans[1]!.scopeSpans[0]!.spans[0]!;
    expect(child).to.include({ spanId: RS_ID, parentSpanId: ROOT_ID });
    expect(child.events[0]).to.include({ name: 'occurrence' });
    expect(child.links[0]).to.include({ traceId: TRACE_ID });
  });

  it('groups spans of one resource object together', () => {
    const spans = [
      makeSpan({ spanId: '0000000000000001', name: 'a', startNs: T0 }),
      makeSpan({ spanId: '0000000000000002', name: 'b', startNs: T0 }),
    ];
    const req = encodeOtlpJson(spans);
    expect(req.resourceSpans).to.have.length(1);
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).to.deep.equal(['a', 'b']);
  });

  it('groups spans whose resources are equal but distinct objects', () => {
    const a = makeSpan({ spanId: '0000000000000001', name: 'a', startNs: T0, service: 'kubelet' });
    const b = makeSpan({ spanId: '0000000000000002', name: 'b', startNs: T0, service: 'kubelet' });
    const copy = { ...b, resource: resourceFromAttributes({ ...b.resource.attributes }) };
    expect(copy.resource).not.to.equal(a.resource);
    const req = encodeOtlpJson([a, copy]);
    expect(req.resourceSpans).to.have.length(1);
    expect(req.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.spanId)).to.deep.equal([
      '0000000000000001',
      '0000000000000002',
    ]);
  });

  it('gives an empty request for no spans', () => {
    expect(encodeOtlpJson([])).to.deep.equal({ resourceSpans: [] });
  });
});
