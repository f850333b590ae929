import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeOtlpJson } from '../src/index.js';
import { makeSpan, T0 } from '@kspan/testing';

const SCRIPT = fileURLToPath(new URL('./fixtures/write-stdout.ts', import.meta.url));

/** Runs the child; `closeAfterFirstChunk` closes our end of its stdout to provoke EPIPE. */
function runChild(count: number, closeAfterFirstChunk = false) {
  return new Promise<{
    code: number | null;
    stdout: string;
    summary: { success: number; failure: number };
  }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, String(count)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (closeAfterFirstChunk) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const summary = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as {
          success: number;
          failure: number;
        };
        resolve({ code, stdout, summary });
      } catch {
        reject(new Error(`child said: ${stderr}`));
      }
    });
  });
}

describe('file exporter on stdout (path "-")', function () {
  this.timeout(30_000);

  it('writes one OTLP/JSON line per batch to standard output', async () => {
    const { code, stdout, summary } = await runChild(25);
    expect(code).to.equal(0);
    expect(summary).to.deep.equal({ success: 3, failure: 0 });
    const lines = stdout.trim().split('\n');
    expect(lines).to.have.length(3);
    const first = makeSpan({ spanId: '0000000000000001', name: 'span-0', startNs: T0 });
    const firstLine = JSON.parse(lines[0]!) as ReturnType<typeof encodeOtlpJson>;
    expect(firstLine.resourceSpans[0]!.scopeSpans[0]!.spans[0]).to.deep.equal(
      encodeOtlpJson([first]).resourceSpans[0]!.scopeSpans[0]!.spans[0],
    );
  });

  it('fails the batches, without crashing, once the reader closes the pipe', async () => {
    const { code, summary } = await runChild(2_000, true);
    expect(code).to.equal(0);
    expect(summary.failure).to.be.greaterThan(0);
    expect(summary.success + summary.failure).to.equal(200);
  });
});
