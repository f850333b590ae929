import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { map, type Observable } from 'rxjs';
import type { Components, ExporterFactory, ProcessorFactory } from '../src/component.js';
import type { SignalTypes, WatchEvent } from '../src/items.js';
import { loadConfigText } from '../src/config/load.js';
import { Service } from '../src/pipeline/service.js';
import { silentLogger } from '../src/logger.js';
import { sendingQueue } from '../src/operators/sending-queue.js';
import {
  SendingSettingsProperties,
  type SendingSettings,
} from '../src/operators/sending-settings.js';
import { fakeReceiver } from './fixtures.js';

/** Each watch event becomes a span whose id is its index (as much of a span as the ledger reads). */
const idSpans: ProcessorFactory<any, 'k8s_watch', 'spans'> = {
  kind: 'processor',
  type: 'id_spans',
  stability: 'development',
  description: 'test processor',
  consumes: 'k8s_watch',
  produces: 'spans',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => (source: Observable<WatchEvent>) =>
    source.pipe(
      map((e) => {
        const n = Number(String(e.object.metadata?.name).slice(3));
        const spanId = n.toString(16).padStart(16, '0');
        return {
          name: `ev-${n}`,
          spanContext: () => ({ traceId: 'b'.repeat(32), spanId }),
        } as unknown as SignalTypes['spans'];
      }),
    ),
};

/** An exporter on core's sending queue whose backend takes everything, recording the names. */
function queueExporter(sink: string[]): ExporterFactory<any, 'spans'> {
  return {
    kind: 'exporter',
    type: 'queued',
    stability: 'development',
    description: 'test exporter',
    consumes: 'spans',
    configSchema: Type.Object(SendingSettingsProperties, { additionalProperties: false }),
    create: (config: SendingSettings, ctx) =>
      sendingQueue(config, ctx, async (batch: SignalTypes['spans'][]) => {
        sink.push(...batch.map((s) => s.name));
        return { code: 'success' };
      }),
  };
}

describe('Service with an exporter storage (the delivery ledger)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kspan-service-ledger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function runOnce(count: number) {
    const sink: string[] = [];
    const components: Components = {
      receivers: [fakeReceiver],
      processors: [idSpans],
      exporters: [queueExporter(sink)],
    };
    const config = `
receivers: { fake_events: { count: ${count} } }
processors: { id_spans: {} }
exporters: { queued: { batch: { max_size: 4 }, storage: { directory: ${JSON.stringify(dir)} } } }
service:
  pipelines:
    traces: { receivers: [fake_events], processors: [id_spans], exporters: [queued] }
`;
    const service = Service.build(loadConfigText(config, components, { env: {} }), {
      logger: silentLogger,
    });
    await service.run();
    return { sink, service };
  }

  it('a second run sends only the new spans, the others counted dropped already_exported and not as failures', async () => {
    const first = await runOnce(10);
    expect(first.sink).to.have.length(10);
    const { sink, service } = await runOnce(13);
    expect(sink).to.deep.equal(['ev-10', 'ev-11', 'ev-12']);
    expect(service.tallies.get('queued')).to.include({
      received: 13,
      sent: 3,
      failed: 0,
      dropped: 10,
    });
    expect(service.tallies.get('queued')?.lost).to.deep.equal({ already_exported: 10 });
    const value = (name: string, labels: Record<string, string>) =>
      service.metrics.value(name, labels);
    expect(
      await value('exporter_spans_total', {
        component: 'queued',
        outcome: 'dropped',
        reason: 'already_exported',
      }),
    ).to.equal(10);
    expect(await value('exporter_ledger_loaded_spans', { component: 'queued' })).to.equal(10);
    const text = await service.metrics.registry.metrics();
    expect(text).to.include('otelcol_exporter_send_failed_spans_total{exporter="queued"} 0');
    expect(text).to.include('otelcol_exporter_sent_spans_total{exporter="queued"} 3');
  });
});
