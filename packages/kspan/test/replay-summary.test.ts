import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspanCasesDir, kspan, tempDir } from './helpers.js';

/**
 * The 26-line deployment-2-pods capture with 11 malformed lines put in (after every second good
 * line) and 5 Events without an involvedObject at the end (the causality processor drops them).
 * Returns the file and the 1-based numbers of the malformed lines.
 */
function damagedCapture(): { file: string; badLines: number[] } {
  const good = readFileSync(join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson'), 'utf8')
    .trimEnd()
    .split('\n');
  const out: string[] = [];
  const badLines: number[] = [];
  good.forEach((line, i) => {
    out.push(line);
    if (i % 2 === 0 && badLines.length < 11) {
      out.push(badLines.length % 3 ? '{"type": "ADDED", "object": ' : 'not json at all');
      badLines.push(out.length);
    }
  });
  for (let k = 0; k < 5; k++)
    out.push(
      JSON.stringify({
        type: 'ADDED',
        object: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `e${k}`, namespace: 'default', uid: `u${k}`, resourceVersion: `${k}` },
          reason: 'X',
          message: 'no involvedObject',
          lastTimestamp: '2021-05-19T09:43:00Z',
        },
      }),
    );
  const file = join(tempDir(), 'damaged.ndjson');
  writeFileSync(file, out.join('\n') + '\n');
  return { file, badLines };
}

// Malformed input is never invisible: every skipped line and dropped item is shown or counted, and
// the replay ends with one summary line; --strict makes it exit 1 (issue 13, item 3).
describe('kspan replay of damaged input', () => {
  it('shows the rate-limited counts on exit and ends with a one-line summary (exit 0)', function () {
    this.timeout(30_000);
    const { file, badLines } = damagedCapture();
    const r = kspan(['replay', file, '--width', '100']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^trace [0-9a-f]{32} · 20 spans/);
    const lines = r.stderr.trimEnd().split('\n');
    // First malformed line shown, the last one flushed at exit with the 9 in between counted.
    expect(r.stderr).to.contain(`line=${badLines[0]} reason=invalid JSON`);
    expect(r.stderr).to.match(
      new RegExp(`line=${badLines[10]} reason=invalid JSON.* suppressed=9`),
    );
    // Causality: 5 drops, first shown, last flushed with 3 counted.
    expect(r.stderr).to.match(/reason=no_involved_object .*suppressed=3/);
    expect(lines.at(-1)).to.equal(
      `kspan replay: k8s_capture: 11 skipped (invalid JSON ×11; lines ${badLines
        .slice(0, 5)
        .join(', ')}, …); causality: 5 skipped (no_involved_object ×5)`,
    );
  });

  it('--strict exits 1 when anything was skipped, 0 on clean input', function () {
    this.timeout(30_000);
    const r = kspan(['replay', damagedCapture().file, '--strict']);
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).to.match(
      /^kspan replay: k8s_capture: 11 skipped/,
    );
    const clean = kspan([
      'replay',
      join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson'),
      '--strict',
    ]);
    expect(clean.status, clean.stderr).to.equal(0);
    expect(clean.stderr).to.equal('');
  });

  it('says "0 events" for an empty capture', () => {
    const file = join(tempDir(), 'empty.ndjson');
    writeFileSync(file, '');
    const r = kspan(['replay', file]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(`kspan replay: ${file}: 0 events\n`);
  });

  it('answers --width -5 with what is wrong, not "ambiguous"', () => {
    for (const args of [
      ['--width', '-5'],
      ['-w', '-5'],
    ]) {
      const r = kspan(['replay', 'x.ndjson', ...args]);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.equal(
        'kspan replay: --width must be a whole number, 0 or more (got "-5")\n',
      );
    }
  });
});
