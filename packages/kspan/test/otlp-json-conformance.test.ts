import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WatchEvent } from '@kspan/core';
import { CaptureDecoder } from '@kspan/receiver-k8s-events';
import { causality } from '@kspan/processor-causality';
import { encodeOtlpJsonLine } from '@kspan/exporter-otlp';
import { workloadLines } from '../../../bench/src/workload/index.js';
import { REPO, kspanCasesDir } from './helpers.js';

// `encodeOtlpJsonLine` rewrites the official serializer's text instead of parsing it with a
// reviver (issue 15). Checked against that reference on every conformance case and on a generated
// workload: the same spans, resources, scopes and values.
const { JsonTraceSerializer } = createRequire(join(REPO, 'packages/exporter-otlp/package.json'))(
  '@opentelemetry/otlp-transformer',
) as { JsonTraceSerializer: { serializeRequest(s: ReadableSpan[]): Uint8Array | undefined } };

function reference(spans: ReadableSpan[]): Request {
  const bytes = JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
  return JSON.parse(new TextDecoder().decode(bytes), (key, value: unknown) =>
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
    expect(flatten(JSON.parse(line) as Request)).to.deep.equal(flatten(reference(batch)));
  }
}

describe('OTLP/JSON lines match the official serializer', () => {
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
