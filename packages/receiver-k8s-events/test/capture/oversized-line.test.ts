// A capture line (or pretty-printed value) past the size limit is counted as malformed with its line
// number, without ever being held whole: a 50 MB line cost 16.7 s and 1.56 GB of memory before.
import { expect } from 'chai';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { lastValueFrom, toArray } from 'rxjs';
import { MetricsRegistry, createLogger, standaloneContext } from '@kspan/core';
import { CaptureDecoder, MAX_CAPTURE_LINE } from '../../src/capture/decoder.js';
import { formatCaptureLine } from '../../src/capture/format.js';
import { k8sCaptureReceiver } from '../../src/capture/receiver.js';
import { JsonSplitter } from '../../src/stream/json-splitter.js';
import { LineSplitter } from '../../src/stream/line-splitter.js';
import { coreEvent } from '../helpers.js';

const good = formatCaptureLine({
  type: 'ADDED',
  object: coreEvent('a', 'Started', '2024-01-01T00:00:00Z'),
});

// The decoder's limit in the tests below: above an ordinary event line, below the padded ones.
const LIMIT = 1000;

describe('oversized capture input', () => {
  it('LineSplitter reports a line past its limit (length, line number) and holds no more than the limit', () => {
    const s = new LineSplitter(10);
    const out = [...s.push('ok\n0123456'), ...s.push('789abc'), ...s.push('def\nnext\n')];
    expect(s.pending).to.equal(0);
    const all = [...out, ...s.push('x'.repeat(25)), ...s.end()];
    expect(all).to.deep.equal([
      { text: 'ok', line: 1 },
      { text: '', line: 2, oversized: 16 },
      { text: 'next', line: 3 },
      { text: '', line: 4, oversized: 25 },
    ]);
    // A whole long line inside one chunk too.
    expect(new LineSplitter(3).push('abcd\nabc\n')).to.deep.equal([
      { text: '', line: 1, oversized: 4 },
      { text: 'abc', line: 2 },
    ]);
  });

  it('LineSplitter never holds more than its limit while skipping a long line', () => {
    const s = new LineSplitter(1000);
    for (let i = 0; i < 100; i++) {
      s.push('y'.repeat(512));
      expect(s.pending).to.be.at.most(1000);
    }
    expect(s.push('\n')).to.deep.equal([{ text: '', line: 1, oversized: 51_200 }]);
  });

  it('JsonSplitter reports a value past its limit and keeps the next one', () => {
    const s = new JsonSplitter(20);
    const out = [
      ...s.push('{"a": "'),
      ...s.push('z'.repeat(40)),
      ...s.push('"}\n{"b": 1}\n[1,\n2]'),
      ...s.end(),
    ];
    expect(out).to.deep.equal([
      { text: '', line: 1, oversized: 49 },
      { text: '{"b": 1}', line: 2 },
      { text: '[1,\n2]', line: 3 },
    ]);
  });

  it('the decoder names the line and the limit, in both formats', () => {
    expect(good.length, 'an ordinary line fits the limit').to.be.below(LIMIT);
    const lines = new CaptureDecoder(LIMIT);
    const fromLines = [
      ...lines.push(`${good.slice(0, 50)}`),
      ...lines.push(`${'x'.repeat(LIMIT)}\n${good}\n`),
      ...lines.end(),
    ];
    expect(fromLines.map((d) => ('event' in d ? 'event' : d.problem.message))).to.deep.equal([
      `line of ${LIMIT + 50} characters is longer than the ${LIMIT}-character limit; skipped`,
      'event',
    ]);
    const pretty = new CaptureDecoder(LIMIT);
    const value = JSON.stringify({
      type: 'ADDED',
      object: { kind: 'Pod', pad: 'p'.repeat(LIMIT) },
    });
    const fromPretty = [...pretty.push(`{\n  "x": ${value}\n}\n`), ...pretty.end()];
    expect(fromPretty).to.deep.equal([
      {
        problem: {
          line: 1,
          message: `JSON value of ${value.length + 11} characters is longer than the ${LIMIT}-character limit; skipped`,
        },
      },
    ]);
  });

  describe('replaying a capture with a 50 MB line', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'kspan-oversized-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('skips it as malformed (line 2), replays the rest, in bounded time and memory', async () => {
      const path = join(dir, 'huge.ndjson');
      const out = createWriteStream(path);
      out.write(`${good}\n`);
      // One watch event whose message is 50 MB, written without building it in memory.
      out.write(good.slice(0, good.indexOf('"message":"') + 11));
      const block = 'm'.repeat(1024 * 1024);
      for (let i = 0; i < 50; i++) if (!out.write(block)) await once(out, 'drain');
      out.write(`${good.slice(good.indexOf('"message":"') + 11)}\n${good}\n`);
      out.end();
      await once(out, 'finish');

      const metrics = new MetricsRegistry();
      const logs: string[] = [];
      const ctx = standaloneContext({
        id: 'k8s_capture',
        metrics: metrics.metricsFor('k8s_capture'),
        logger: createLogger({ format: 'json', write: (l) => logs.push(l), now: () => 0 }),
      });
      global.gc?.();
      const base = process.memoryUsage().heapUsed;
      let peak = base;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }, 1);
      const started = performance.now();
      const items = await lastValueFrom(
        k8sCaptureReceiver.create({ path, speed: 0 }, ctx).pipe(toArray()),
      );
      const elapsedMs = performance.now() - started;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().heapUsed);

      expect(items).to.have.length(2);
      expect(await metrics.value('capture_malformed_total')).to.equal(1);
      const warn = logs.map((l) => JSON.parse(l)).find((l) => l.level === 'warn');
      expect(warn).to.include({ line: 2 });
      expect(warn.reason).to.match(/longer than the 16777216-character limit/);
      const growthMb = (peak - base) / 1024 / 1024;
      console.log(
        `      50 MB line: ${elapsedMs.toFixed(0)} ms, heap growth at most ${growthMb.toFixed(1)} MB (limit ${MAX_CAPTURE_LINE / 1024 / 1024} MiB)`,
      );
      expect(elapsedMs).to.be.below(10_000);
      // The limit's worth of text may be held before it is let go; never the 50 MB line.
      expect(growthMb).to.be.below(48);
    });
  });
});
