import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspanCasesDir, startKspan, tempDir } from './helpers.js';

describe('kspan run shutdown', () => {
  it('on SIGTERM during a real-time replay, flushes what the processor held and exits 0', async function () {
    this.timeout(30_000);
    const dir = tempDir();
    const out = join(dir, 'spans.jsonl');
    const config = join(dir, 'realtime.yaml');
    // Real time: the capture spans ~40 s, so SIGTERM after 4 s stops it mid-way, with events
    // still waiting in the causality window (5 s) and spans in the exporter's batch (10 s).
    writeFileSync(
      config,
      `receivers:
  k8s_capture: { path: ${join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson')}, speed: 1 }
processors:
  causality: { window: 5s }
exporters:
  file: { path: ${out}, batch: { timeout: 10s } }
service:
  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [file] }
  telemetry: { logs: { level: info } }
`,
    );
    const child = startKspan(['run', '--config', config]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 4000));
    const before = readIfExists(out);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).to.equal(0);
    expect(before, 'nothing should have been exported before the signal').to.equal('');
    const spans = readFileSync(out, 'utf8').trim().split('\n').filter(Boolean);
    expect(spans.length, 'held spans were flushed on shutdown').to.be.greaterThan(0);
    expect(stderr).to.contain('shutting down');
  });
});

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
