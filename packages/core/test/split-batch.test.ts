import { expect } from 'chai';
import { from, lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { schedulerClock } from '../src/clock.js';
import { exportBatches, type SendOutcome } from '../src/operators/send-with-retry.js';
import type { ExportResult } from '../src/items.js';

const retry = { enabled: true, initialIntervalMs: 10, maxIntervalMs: 100, maxElapsedMs: 1000 };

/**
 * Batches of "spans" (numbers standing for their encoded size) through exportBatches, against a
 * backend that refuses any request whose sizes add up to more than `maxRequest` as too large, and
 * answers the other outcomes from `script` (then success).
 */
async function run(batches: number[][], maxRequest: number, script: SendOutcome[] = []) {
  const delivered: number[] = [];
  const calls: number[][] = [];
  const send = async (b: number[]): Promise<SendOutcome> => {
    calls.push(b);
    const size = b.reduce((a, n) => a + n, 0);
    if (size > maxRequest)
      return { code: 'failure', error: new Error('message larger than max'), tooLarge: true };
    const scripted = script.shift();
    if (scripted && scripted.code !== 'success') return scripted;
    delivered.push(...b);
    return { code: 'success' };
  };
  let now = 0;
  const clock = {
    ...schedulerClock(new VirtualTimeScheduler()),
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  const results: ExportResult[] = await lastValueFrom(
    from(batches).pipe(
      exportBatches(send, {
        exporter: 'x',
        clock,
        retry,
        queueSize: 1000,
        concurrency: 1,
        random: () => 0.5,
      }),
      toArray(),
    ),
  );
  return { results, delivered, calls };
}

const sum = (rs: ExportResult[], f: (r: ExportResult) => number) =>
  rs.reduce((a, r) => a + f(r), 0);

describe('exportBatches: a batch refused as too large', () => {
  it('is sent again in halves until every part fits: nothing lost', async () => {
    const batch = Array.from({ length: 22 }, (_, i) => i + 1); // sizes 1..22, 253 in all
    const { results, delivered, calls } = await run([batch], 60);
    expect([...delivered].sort((a, b) => a - b)).to.deep.equal(batch);
    expect(results.every((r) => r.code === 'success')).to.equal(true);
    expect(sum(results, (r) => r.spans)).to.equal(22);
    expect(sum(results, (r) => r.failedSpans)).to.equal(0);
    // Every call is either refused (and split) or delivered: attempts add up to the calls made.
    expect(sum(results, (r) => r.attempts)).to.equal(calls.length);
  });

  it('loses only a span too large on its own, counted as too_large', async () => {
    const batch = [...Array.from({ length: 21 }, () => 1), 1000, 1];
    const { results, delivered } = await run([batch], 100);
    expect(delivered).to.have.length(22);
    expect(delivered).not.to.include(1000);
    const failed = results.filter((r) => r.code === 'failure');
    expect(failed).to.have.length(1);
    expect(failed[0]).to.include({ spans: 1, failedSpans: 1, reason: 'too_large' });
    expect(sum(results, (r) => r.spans)).to.equal(23);
  });

  it('retries each part on its own when it meets a transient error', async () => {
    const down = { code: 'retryable' as const, error: new Error('unavailable') };
    const { results, delivered } = await run([[30, 30, 30, 30]], 70, [down, down]);
    expect(delivered).to.have.length(4);
    expect(results.map((r) => r.code)).to.deep.equal(['success', 'success']);
    expect(sum(results, (r) => r.attempts)).to.equal(1 + 3 + 1);
  });

  it('keeps a plain permanent failure a single result, not split', async () => {
    const bad = { code: 'failure' as const, error: new Error('bad request') };
    const { results, calls } = await run([[1, 2, 3]], 100, [bad]);
    expect(calls).to.have.length(1);
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ failedSpans: 3, reason: 'permanent_error' });
  });
});
