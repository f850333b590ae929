import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { map, type Observable } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  Service,
  loadConfigText,
  silentLogger,
  type ExporterFactory,
  type ExportResult,
} from '@kspan/core';
import { debugExporter } from '@kspan/exporter-debug';
import { components } from '../src/components.js';
import { kspan, replayConfig, replayConfigText, tempDir } from './helpers.js';

interface OtlpLine {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{
      spans: Array<{
        name: string;
        spanId: string;
        attributes: Array<{ key: string; value: { stringValue?: string } }>;
      }>;
    }>;
  }>;
}

/** (service, span name, message) of every span in an OTLP/JSON lines file. */
function spansInFile(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .flatMap((l) => (JSON.parse(l) as OtlpLine).resourceSpans)
    .flatMap((rs) => {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value
        .stringValue;
      return rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => {
          const msg = s.attributes.find((a) => a.key === 'k8s.event.message' || a.key === 'message')
            ?.value.stringValue;
          return `${service} ${s.name}${msg ? `  ${msg}` : ''}`;
        }),
      );
    })
    .sort();
}

describe('a pipeline with two exporters', () => {
  it('gives identical spans to the file and debug exporters', () => {
    const dir = tempDir();
    const out = join(dir, 'spans.jsonl');
    const config = replayConfig({
      exporters: [`file: { path: ${out} }`, 'debug: { width: 400, trace_idle: 1h }'],
    });
    const r = kspan(['run', '--config', config]);
    expect(r.status, r.stderr).to.equal(0);
    const fromDebug = r.stdout
      .split('\n')
      .filter((l) => l.length > 19 && !l.startsWith('trace '))
      .map((l) => l.slice(19).replace(/^[│├└─ ]+/, ''))
      .sort();
    const fromFile = spansInFile(out);
    expect(fromFile).to.have.length(20);
    expect(fromDebug).to.deep.equal(fromFile);
  });

  it('still delivers everything to one exporter when the other throws', async () => {
    const crashing: ExporterFactory<any, 'spans'> = {
      ...debugExporter,
      type: 'crashing',
      create: () => (source: Observable<ReadableSpan>) =>
        source.pipe(
          map((): ExportResult => {
            throw new Error('boom');
          }),
        ),
    };
    const out = join(tempDir(), 'spans.jsonl');
    const config = loadConfigText(
      replayConfigText({ exporters: ['crashing: {}', `file: { path: ${out} }`] }),
      { ...components, exporters: [...components.exporters, crashing] },
      { env: {} },
    );
    const service = Service.build(config, { logger: silentLogger });
    await service.run();
    expect(spansInFile(out)).to.have.length(20);
    expect(service.tallies.get('file')).to.include({ sent: 20, failed: 0, dropped: 0 });
    // Every span accounted for: the one that crashed it is lost too, so all 20 are dropped.
    expect(service.tallies.get('crashing')).to.deep.include({
      received: 20,
      sent: 0,
      dropped: 20,
      lost: { exporter_crashed: 20 },
    });
  });
});
