import { expect } from 'chai';
import { loadConfigText } from '../src/config/load.js';
import { Service } from '../src/pipeline/service.js';
import { silentLogger } from '../src/logger.js';
import { testComponents } from './fixtures.js';

const CONFIG = (crashAt: number) => `
receivers:
  fake_events: { count: 50 }
processors:
  fake_spans: {}
exporters:
  sink_a: { crash_at: ${crashAt} }
  sink_b: {}
service:
  pipelines:
    traces: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a, sink_b] }
`;

describe('Service', () => {
  it('fans every span out to every exporter', async () => {
    const sinks = { a: [] as string[], b: [] as string[] };
    const service = Service.build(loadConfigText(CONFIG(-1), testComponents(sinks), { env: {} }), {
      logger: silentLogger,
    });
    await service.run();
    expect(sinks.a).to.have.length(50);
    expect(sinks.b).to.deep.equal(sinks.a);
    expect(service.tallies.get('sink_b')).to.deep.equal({
      sent: 50,
      failed: 0,
      dropped: 0,
      batches: 50,
    });
  });

  it('keeps feeding the other exporters when one throws, and counts what the broken one drops', async () => {
    const sinks = { a: [] as string[], b: [] as string[] };
    const service = Service.build(loadConfigText(CONFIG(10), testComponents(sinks), { env: {} }), {
      logger: silentLogger,
    });
    await service.run();
    expect(sinks.a).to.have.length(10);
    expect(sinks.b).to.have.length(50);
    expect(service.tallies.get('sink_a')?.dropped).to.equal(39); // the 11th span crashed it; 39 came after
    expect(
      await service.metrics.value('exporter_spans_total', {
        component: 'sink_a',
        reason: 'exporter_crashed',
      }),
    ).to.equal(39);
    expect(
      await service.metrics.value('component_failures_total', { component: 'sink_a' }),
    ).to.equal(1);
  });

  it('shares one receiver between two pipelines', async () => {
    const sinks = { a: [] as string[], b: [] as string[] };
    const config = loadConfigText(
      `
receivers: { fake_events: { count: 5 } }
processors: { fake_spans: {} }
exporters: { sink_a: {}, sink_b: {} }
service:
  pipelines:
    traces/a: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a] }
    traces/b: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_b] }
`,
      testComponents(sinks),
      { env: {} },
    );
    await Service.build(config, { logger: silentLogger }).run();
    expect(sinks.a).to.deep.equal(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4']);
    expect(sinks.b).to.deep.equal(sinks.a);
  });
});
