// The end-to-end suite, Zipkin: the same live pipeline with only the exporter swapped to `zipkin`
// (a config change, nothing else), and the same Deployment rollout read back through Zipkin's own
// query API with the same tree. Zipkin lower-cases service and span names, so those are compared
// case-insensitively; messages and other tags keep their case.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { createNamespace, deleteNamespace } from './lib/kubectl.js';
import { liveConfig, type KspanProcess } from './lib/kspan.js';
import { deploymentRollout } from './lib/scenarios.js';
import { startPipeline, stopPipeline } from './lib/suite.js';
import { renderTree } from './lib/trace.js';
import { zipkinTraces } from './lib/zipkin.js';

describe('suite: a Deployment rollout traced live into Zipkin', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;
  let config: string;

  before(async () => {
    suiteEnv();
    ns = await createNamespace('zipkin');
    ({ kspan, config } = await startPipeline('zipkin', [ns], 'zipkin'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('differs from the Jaeger pipeline in the exporter only', () => {
    const strip = (text: string) => {
      const c = JSON.parse(text) as {
        exporters?: unknown;
        service: { pipelines: { traces: { exporters?: unknown } } };
      };
      delete c.exporters;
      delete c.service.pipelines.traces.exporters;
      return c;
    };
    const jaeger = liveConfig({ namespaces: [ns], exporter: 'otlp', metricsPort: 1 });
    const zipkin = JSON.parse(config) as { exporters: Record<string, unknown> };
    expect(Object.keys(zipkin.exporters)).to.deep.equal(['zipkin']);
    const withPort = config.replace(/127\.0\.0\.1:\d+"/, '127.0.0.1:1"');
    expect(strip(withPort)).to.deep.equal(strip(jaeger));
  });

  it('a Deployment created, then rolled to a new image: the same trees in Zipkin', async () => {
    const { created, rolled } = await deploymentRollout(ns, zipkinTraces, true);
    expect(created.spans, renderTree(created)).to.have.length(1 + 1 + 2 * 6);
    expect(rolled.spans, renderTree(rolled)).to.have.length(1 + 4 + 2 * 6 + 2 * 2);
    // Zipkin really lower-cased the names (so the case-insensitive comparison is not hiding anything else)
    expect(created.spans.map((s) => s.service)).to.include('kubectl-client-side-apply');
    expect(created.spans.map((s) => s.name)).to.include('deployment.scalingreplicaset');
  });
});
