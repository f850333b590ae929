import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, REPO, generateCapture, replayIntoSlowReader, tempDir } from './helpers.js';

interface OtlpLine {
  resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ spans: unknown[] }> }>;
}

/** Every span of an OTLP/JSON output, each with its resource, serialised and sorted. */
function spansOf(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => (JSON.parse(l) as OtlpLine).resourceSpans)
    .flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => JSON.stringify([rs.resource, s]))),
    )
    .sort();
}

/** `kspan replay FILE` read at once (the output is megabytes: more than spawnSync's default buffer). */
function replayFile(file: string): string {
  const r = spawnSync(process.execPath, [CLI, 'replay', file, '--format', 'otlp-json'], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 512 * 2 ** 20,
    timeout: 60_000,
  });
  expect(r.status, r.stderr || String(r.error)).to.equal(0);
  return r.stdout;
}

/** The spans of `actual` that are not byte-identical to one of `expected` (none, when equal). */
function differing(actual: string[], expected: string[]): number {
  expect(actual.length).to.equal(expected.length);
  const want = new Set(expected);
  return actual.filter((s) => !want.has(s)).length;
}

/**
 * `kspan replay` of a named pipe fed `linesPerChunk` lines at a time with `pauseMs` between
 * chunks: the reader waits on the writer, as it does on a slow disk or a busy machine.
 */
async function replayThroughPipe(
  file: string,
  dir: string,
  linesPerChunk: number,
  pauseMs: number,
): Promise<string> {
  const fifo = join(dir, `pipe-${linesPerChunk}`);
  expect(spawnSync('mkfifo', [fifo]).status).to.equal(0);
  const output = join(dir, `out-${linesPerChunk}.jsonl`);
  const out = openSync(output, 'w');
  const child = spawn(process.execPath, [CLI, 'replay', fifo, '--format', 'otlp-json'], {
    cwd: REPO,
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

  const lines = readFileSync(file, 'utf8').split('\n');
  const pipe = createWriteStream(fifo);
  for (let i = 0; i < lines.length; i += linesPerChunk) {
    const chunk = lines.slice(i, i + linesPerChunk).join('\n');
    const last = i + linesPerChunk >= lines.length;
    if (!pipe.write(last ? chunk : `${chunk}\n`))
      await new Promise<void>((resolve) => pipe.once('drain', () => resolve()));
    if (!last) await sleep(pauseMs);
  }
  await new Promise<void>((resolve) => pipe.end(() => resolve()));
  expect(await exited, stderr).to.equal(0);
  return readFileSync(output, 'utf8');
}

// Issue: two replays of one bench capture differed in a few spans' ends. The replay ran on the wall
// clock, and the pipeline's watermark is the latest item time plus the clock time since: a pause in
// reading moved it on and closed windows before items stamped earlier had been read. A replay now
// runs on a stopped clock (core's stoppedClock): its time is the capture's own.
describe('kspan replay: the same capture gives the same spans', () => {
  let dir: string;
  let capture: string;

  before(function () {
    this.timeout(60_000);
    dir = tempDir();
    capture = join(dir, 'capture.ndjson');
    // A generated workload (Deployments, StatefulSets, Jobs…; some events arrive late).
    generateCapture(capture, ['--events', '8000', '--seed', '7', '--late', '0.05']);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('byte for byte, span by span: read at once, and through a pipe in pauses and other chunk sizes', async function () {
    this.timeout(120_000);
    const expected = spansOf(replayFile(capture));
    expect(expected.length).to.be.greaterThan(3000);

    expect(differing(spansOf(replayFile(capture)), expected)).to.equal(0);
    // 2,000 lines (~5 s of the capture's time) per chunk, 1.5 s between chunks: the same bytes,
    // lines included (a line once ended where the file exporter's 1 s batch timeout fell).
    const pausedText = await replayThroughPipe(capture, dir, 2000, 1500);
    expect(differing(spansOf(pausedText), expected), 'spans that differ').to.equal(0);
    expect(pausedText === replayFile(capture), 'the same bytes').to.equal(true);
    // Small chunks with short pauses.
    const small = spansOf(await replayThroughPipe(capture, dir, 333, 60));
    expect(differing(small, expected), 'spans that differ').to.equal(0);
  });

  // A reader slower than kspan fills the pipe: kspan waits for it. (Its standard output was once a
  // stream of its own on fd 1, which failed with EAGAIN on a full non-blocking pipe: spans lost.)
  it('to a standard output read slowly (the pipe full for 2 s): every span, exit 0', async function () {
    this.timeout(120_000);
    const expected = spansOf(replayFile(capture));
    const { code, stderr, stdout } = await replayIntoSlowReader(capture, 2000);
    expect(code, stderr).to.equal(0);
    expect(differing(spansOf(stdout), expected)).to.equal(0);
  });
});
