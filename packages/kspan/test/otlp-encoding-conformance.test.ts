import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { CaptureDecoder } from '@kspan/receiver-k8s-events';
import { causality } from '@kspan/processor-causality';
import { encodeOtlpJsonLine, encodeOtlpProtobuf } from '@kspan/exporter-otlp';
import { workloadLines } from '../../../bench/src/workload/index.js';
import { decodeExportRequest } from '../../exporter-otlp/test/otlp-proto.js';
import { REPO, kspanCasesDir } from './helpers.js';

// kspan encodes OTLP with its own writers (issue 15). Checked against the official serializers
// of @opentelemetry/otlp-transformer on every conformance case and on a generated workload, in
// batches of 512 as the exporters send them: the protobuf bytes are the same, and decode (with
// the OTLP .proto definitions) to the same message; the OTLP/JSON line is the official text
// with int64 values as strings, and parses to the same spans, resources, scopes and values.
const { JsonTraceSerializer, ProtobufTraceSerializer } = createRequire(
  join(REPO, 'packages/exporter-otlp/package.json'),
)('@opentelemetry/otlp-transformer') as {
  JsonTraceSerializer: { serializeRequest(s: ReadableSpan[]): Uint8Array | undefined };
  ProtobufTraceSerializer: { serializeRequest(s: ReadableSpan[]): Uint8Array | undefined };
};

function referenceText(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

function reference(spans: ReadableSpan[]): Request {
  return JSON.parse(referenceText(spans), (key, value: unknown) =>
    key === 'intValue' && typeof value === 'number' ? String(value) : value,
  ) as Request;
}

interface Request {
  resourceSpans: Array<{
    resource: unknown;
    schemaUrl?: string;
    scopeSpans: Array<{ scope: unknown; schemaUrl?: string; spans: Array<{ spanId: string }> }>;
  }>;
}

/** Each span with its resource and scope, ordered by span id: independent of how spans are grouped. */
function flatten(req: Request): string[] {
  return req.resourceSpans
    .flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => JSON.stringify([rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl, s])),
      ),
    )
    .sort();
}

async function spansOf(capture: string): Promise<ReadableSpan[]> {
  const decoder = new CaptureDecoder();
  const events: WatchEvent[] = [];
  for (const d of [...decoder.push(capture), ...decoder.end()])
    if ('event' in d) events.push(d.event);
  return lastValueFrom(from(events).pipe(causality({ window: '5s' }), toArray()));
}

function expectSameAsReference(spans: ReadableSpan[]) {
  expect(spans).to.not.be.empty;
  for (let i = 0; i < spans.length; i += 512) {
    const batch = spans.slice(i, i + 512);
    const line = encodeOtlpJsonLine(batch);
    const ref = reference(batch);
    expect(flatten(JSON.parse(line) as Request)).to.deep.equal(flatten(ref));
    expect(JSON.parse(line)).to.deep.equal(ref);
    // the same text: every object key in it is a field name, so `"intValue":` is that field
    expect(line).to.equal(
      referenceText(batch).replace(
        /"intValue":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
        '"intValue":"$1"',
      ),
    );
    const proto = encodeOtlpProtobuf(batch);
    const official = ProtobufTraceSerializer.serializeRequest(batch) ?? new Uint8Array();
    expect(decodeExportRequest(proto)).to.deep.equal(decodeExportRequest(official));
    expect(Buffer.from(proto).equals(Buffer.from(official))).to.equal(true);
  }
}

describe('OTLP encodings match the official serializers', () => {
  for (const name of readdirSync(kspanCasesDir()).sort()) {
    it(`conformance case ${name}`, async () => {
      const capture = readFileSync(join(kspanCasesDir(), name, 'capture.ndjson'), 'utf8');
      expectSameAsReference(await spansOf(capture));
    });
  }

  it('a generated workload (3,000 watch events)', async () => {
    const capture = [...workloadLines({ events: 3000, seed: 7 })].join('\n') + '\n';
    const spans = await spansOf(capture);
    expect(spans.some((s) => Object.values(s.attributes).some((v) => Number.isInteger(v)))).to.be
      .true;
    expectSameAsReference(spans);
  });
});
