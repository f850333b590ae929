import { expect } from 'chai';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateCapture, replayIntoSlowReader, tempDir } from './helpers.js';

// A reader slower than the replay, with more spans than the file exporter's queue holds (10,000):
// the replay waits for the reader (standard output blocks on a full pipe). It used to read on at
// full speed, fill the queue and drop the rest (queue_full, exit 1): 48,128 of ~58,000 spans of a
// 100k-line capture with the reader paused 8 s.
describe('kspan replay into a slow reader, more spans than the exporter queue holds', () => {
  let dir: string;
  let capture: string;

  before(function () {
    this.timeout(60_000);
    dir = tempDir();
    capture = join(dir, 'capture.ndjson');
    generateCapture(capture, ['--events', '30000', '--seed', '3']);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every span and exits 0 when the reader pauses 6 s first', async function () {
    this.timeout(120_000);
    expect(statSync(capture).size).to.be.greaterThan(20 * 2 ** 20);
    const { code, stderr, stdout: text } = await replayIntoSlowReader(capture, 6000);
    expect(code, stderr).to.equal(0);
    expect(stderr).to.not.match(/not exported|queue_full/);
    const spans = text
      .split('\n')
      .filter((l) => l !== '')
      .map(
        (l) =>
          JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> },
      )
      .flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    expect(spans.length).to.be.greaterThan(10_000);
  });
});
