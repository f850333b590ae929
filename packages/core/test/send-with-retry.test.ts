import { expect } from 'chai';
import { firstValueFrom, from, of, toArray, VirtualTimeScheduler } from 'rxjs';
import { schedulerClock } from '../src/clock.js';
import { exportBatches, type SendOutcome } from '../src/operators/send-with-retry.js';
import type { ExportResult } from '../src/items.js';

const retry = { enabled: true, initialIntervalMs: 10, maxIntervalMs: 100, maxElapsedMs: 1000 };

/** Runs batches through exportBatches (send-with-retry.ts) with a fake transport, on a clock that does not wait for real. */
async function run(
  batches: number[][],
  outcomes: SendOutcome[],
  options: { queueSize?: number; concurrency?: number } = {},
) {
  // A clock whose sleeps return at once but move time on, so elapsed-time limits still apply.
  let now = 0;
  const waited: number[] = [];
  const clock = {
    ...schedulerClock(new VirtualTimeScheduler()),
    now: () => now,
    sleep: async (ms: number) => {
      waited.push(ms);
      now += ms;
    },
  };
  const calls: number[][] = [];
  const send = async (b: number[]) => {
    calls.push(b);
    return outcomes.shift() ?? { code: 'success' as const };
  };
  const results: ExportResult[] = await firstValueFrom(
    from(batches).pipe(
      exportBatches(send, {
        exporter: 'x',
        clock,
        retry,
        queueSize: options.queueSize ?? 100,
        concurrency: options.concurrency ?? 1,
        random: () => 0.5,
      }),
      toArray(),
    ),
  );
  return { results, calls, waited };
}

describe('exportBatches', () => {
  it('retries retryable outcomes with growing waits, then succeeds', async () => {
    const err = new Error('unavailable');
    const { results, calls, waited } = await run(
      [[1, 2]],
      [
        { code: 'retryable', error: err },
        { code: 'retryable', error: err },
      ],
    );
    expect(results).to.deep.equal([
      { exporter: 'x', spans: 2, code: 'success', failedSpans: 0, attempts: 3 },
    ]);
    expect(calls).to.have.length(3);
    // core's one backoff rule: the step doubles, jittered to between half and all of it.
    expect(waited).to.deep.equal([7.5, 15]);
  });

  it('honours a server-requested wait over its own backoff', async () => {
    const { waited } = await run(
      [[1]],
      [{ code: 'retryable', error: new Error('429'), retryAfterMs: 70 }],
    );
    expect(waited).to.deep.equal([70]);
  });

  it('does not retry a permanent failure', async () => {
    const { results, calls } = await run(
      [[1, 2, 3]],
      [{ code: 'failure', error: new Error('bad request') }],
    );
    expect(calls).to.have.length(1);
    expect(results[0]).to.include({
      code: 'failure',
      failedSpans: 3,
      reason: 'permanent_error',
      attempts: 1,
    });
  });

  it('does not retry partial success and reports the rejected spans', async () => {
    const { results, calls } = await run([[1, 2, 3]], [{ code: 'success', rejected: 2 }]);
    expect(calls).to.have.length(1);
    expect(results[0]).to.include({ code: 'failure', failedSpans: 2, reason: 'partial_success' });
  });

  it('gives up after max elapsed time and says so', async () => {
    const outcomes = Array.from({ length: 50 }, () => ({
      code: 'retryable' as const,
      error: new Error('down'),
    }));
    const { results } = await run([[1]], outcomes);
    expect(results[0]).to.include({ code: 'failure', reason: 'retries_exhausted' });
  });

  it('drops and counts batches past the queue bound instead of growing', async () => {
    const scheduler = new VirtualTimeScheduler();
    const clock = schedulerClock(scheduler);
    const pending: Array<() => void> = [];
    const send = () =>
      new Promise<SendOutcome>((resolve) => pending.push(() => resolve({ code: 'success' })));
    const results: ExportResult[] = [];
    const done = new Promise<void>((resolve) =>
      of([1, 2], [3, 4], [5, 6], [7, 8])
        .pipe(exportBatches(send, { exporter: 'x', clock, retry, queueSize: 4, concurrency: 1 }))
        .subscribe({ next: (r) => results.push(r), complete: resolve }),
    );
    await new Promise((r) => setImmediate(r));
    while (pending.length) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    const dropped = results.filter((r) => r.code === 'dropped');
    expect(dropped.map((r) => r.failedSpans)).to.deep.equal([2, 2]);
    // The log line of a drop names why (it read `error=undefined` before).
    expect(dropped[0]!.error?.message).to.equal(
      'queue full: 4 spans waiting or in flight, the limit is 4',
    );
    expect(results.filter((r) => r.code === 'success')).to.have.length(2);
  });
});
