import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { NEVER, Observable, finalize } from 'rxjs';
import type { ExporterFactory, ProcessorFactory } from '../src/component.js';
import type { ExportResult } from '../src/items.js';
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
      received: 50,
      sent: 50,
      failed: 0,
      dropped: 0,
      batches: 50,
      lost: {},
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
    // The 11th span crashed it (lost with it); 39 came after.
    expect(service.tallies.get('sink_a')).to.include({ received: 50, sent: 10, dropped: 40 });
    expect(
      await service.metrics.value('exporter_spans_total', {
        component: 'sink_a',
        reason: 'exporter_crashed',
      }),
    ).to.equal(40);
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

  it('counts the spans a shutdown cut off as dropped (shutdown), in the tally and the metrics', async () => {
    // An exporter that takes spans and never answers, like one retrying a dead backend.
    const stuck: ExporterFactory<any, 'spans'> = {
      kind: 'exporter',
      type: 'stuck',
      stability: 'development',
      description: 'never answers',
      consumes: 'spans',
      configSchema: Type.Object({}),
      create: () => (source) =>
        new Observable<ExportResult>(() => {
          const sub = source.subscribe();
          return () => sub.unsubscribe();
        }),
    };
    const base = testComponents();
    const config = loadConfigText(
      `
receivers: { fake_events: { count: 20 } }
processors: { fake_spans: {} }
exporters: { stuck: {}, sink_a: {} }
service:
  shutdown_timeout: 50ms
  pipelines:
    traces: { receivers: [fake_events], processors: [fake_spans], exporters: [stuck, sink_a] }
`,
      { ...base, exporters: [...base.exporters, stuck] },
      { env: {} },
    );
    const service = Service.build(config, { logger: silentLogger });
    void service.run();
    await new Promise((r) => setTimeout(r, 20));
    await service.shutdown();
    expect(service.tallies.get('stuck')).to.deep.include({
      received: 20,
      sent: 0,
      dropped: 20,
      lost: { shutdown: 20 },
    });
    expect(service.tallies.get('sink_a')).to.deep.include({ sent: 20, lost: {} });
    expect(service.spansLostAtShutdown).to.equal(20);
    expect(
      await service.metrics.value('exporter_spans_total', {
        component: 'stuck',
        outcome: 'dropped',
        reason: 'shutdown',
      }),
    ).to.equal(20);
  });

  it('forceStop ends at once and counts what was open', async () => {
    const service = Service.build(
      loadConfigText(
        `
receivers: { fake_events: { count: 5 } }
processors: { fake_spans: {} }
exporters: { sink_a: {} }
service:
  shutdown_timeout: 1h
  pipelines: { traces: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a] } }
`,
        testComponents(),
        { env: {} },
      ),
      { logger: silentLogger },
    );
    await service.run();
    const t0 = Date.now();
    await service.forceStop();
    expect(Date.now() - t0).to.be.below(1000);
    expect(service.tallies.get('sink_a')).to.deep.include({ received: 5, sent: 5, lost: {} });
  });

  it('records a receiver whose stream errors as failed for good', async () => {
    const base = testComponents();
    const broken = {
      ...base.receivers[0]!,
      type: 'broken',
      create: () => new Observable<never>((s) => s.error(new Error('kubeconfig x: bad'))),
    };
    const service = Service.build(
      loadConfigText(
        `
receivers: { broken: {} }
processors: { fake_spans: {} }
exporters: { sink_a: {} }
service:
  pipelines: { traces: { receivers: [broken], processors: [fake_spans], exporters: [sink_a] } }
`,
        { ...base, receivers: [broken] },
        { env: {} },
      ),
      { logger: silentLogger },
    );
    await service.run();
    expect(service.receiverFailures).to.deep.equal([
      { receiver: 'broken', error: 'kubeconfig x: bad' },
    ]);
  });

  for (const how of ['input ends', 'shutdown'] as const)
    it(`tells processors whether their input ${how === 'shutdown' ? 'was cut off by a shutdown' : 'ended'} (ctx.stopping)`, async () => {
      const base = testComponents();
      const seen: boolean[] = [];
      // Records, when its input completes, whether the service was stopping then.
      const probe: ProcessorFactory<any, 'k8s_watch', 'spans'> = {
        ...(base.processors[0] as ProcessorFactory<any, 'k8s_watch', 'spans'>),
        type: 'probe',
        create: (config, ctx) => (source) =>
          base.processors[0]!.create(
            config,
            ctx,
          )(source.pipe(finalize(() => seen.push(ctx.stopping.aborted)))),
      };
      const endless = { ...base.receivers[0]!, type: 'endless', create: () => NEVER };
      const receiver = how === 'shutdown' ? 'endless' : 'fake_events';
      const service = Service.build(
        loadConfigText(
          `
receivers: { ${receiver}: {} }
processors: { probe: {} }
exporters: { sink_a: {} }
service:
  pipelines: { traces: { receivers: [${receiver}], processors: [probe], exporters: [sink_a] } }
`,
          { ...base, receivers: [...base.receivers, endless], processors: [probe] },
          { env: {} },
        ),
        { logger: silentLogger },
      );
      const run = service.run();
      if (how === 'shutdown') {
        await new Promise((r) => setTimeout(r, 20)); // running (the pipelines connect after a tick)
        await service.shutdown();
      }
      await run;
      expect(seen).to.deep.equal([how === 'shutdown']);
      // Once stopped, a later shutdown() changes nothing for what already ended.
      if (how !== 'shutdown') await service.shutdown();
      expect(seen).to.deep.equal([how === 'shutdown']);
    });
});
