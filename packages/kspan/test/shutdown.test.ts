import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayConfig, startKspan, tempDir } from './helpers.js';

describe('kspan run shutdown', () => {
  it('on SIGTERM during a real-time replay, flushes what the processor held and exits 0', async function () {
    this.timeout(30_000);
    const dir = tempDir();
    const out = join(dir, 'spans.jsonl');
    // Real time: the capture spans ~40 s, so SIGTERM after 4 s stops it mid-way, with events
    // still waiting in the causality window (5 s) and spans in the exporter's batch (10 s).
    const config = replayConfig({
      exporters: [`file: { path: ${out}, batch: { timeout: 10s } }`],
      capture: 'speed: 1',
      causality: 'window: 5s',
      infoLogs: true,
    });
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
