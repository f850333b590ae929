import { expect } from 'chai';
import { HealthRegistry } from '../src/telemetry/health.js';
import { MetricsRegistry } from '../src/telemetry/metrics.js';
import { startTelemetryServer } from '../src/telemetry/server.js';

describe('telemetry server', () => {
  it('answers GET and HEAD; any other method gets 405 with Allow (issue 13, item 9)', async () => {
    const metrics = new MetricsRegistry();
    metrics.metricsFor('otlp').counter('exporter_spans_total', 'spans').inc();
    const t = await startTelemetryServer('127.0.0.1:0', metrics, new HealthRegistry());
    try {
      const get = await fetch(`${t.url}/metrics`);
      expect(get.status).to.equal(200);
      expect(await get.text()).to.contain('kspan_exporter_spans_total{component="otlp"} 1');
      expect((await fetch(`${t.url}/healthz`, { method: 'HEAD' })).status).to.equal(200);
      for (const [method, path] of [
        ['POST', '/metrics'],
        ['PUT', '/healthz'],
        ['DELETE', '/readyz'],
      ] as const) {
        const r = await fetch(`${t.url}${path}`, { method });
        expect(r.status, `${method} ${path}`).to.equal(405);
        expect(r.headers.get('allow')).to.equal('GET, HEAD');
      }
      expect((await fetch(`${t.url}/nope`)).status).to.equal(404);
    } finally {
      await t.close();
    }
  });

  it('reads its address with the validator’s parser: `:port` listens on all addresses, a bad one is refused with its reason', async () => {
    const metrics = new MetricsRegistry();
    const any = await startTelemetryServer(':0', metrics, new HealthRegistry());
    expect(any.url).to.match(/^http:\/\/0\.0\.0\.0:\d+$/);
    await any.close();
    let refused: unknown;
    await startTelemetryServer('localhost:99999', metrics, new HealthRegistry()).catch(
      (err: unknown) => (refused = err),
    );
    expect(String(refused)).to.contain('port 99999 is out of range');
  });
});
