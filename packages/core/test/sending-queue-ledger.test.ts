import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { standaloneContext } from '../src/component.js';
import type { ExportResult } from '../src/items.js';
import { sendingQueue } from '../src/operators/sending-queue.js';
import type { SendingSettings } from '../src/operators/sending-settings.js';
import type { SendOutcome } from '../src/operators/send-with-retry.js';
import { ledgerFile } from '../src/operators/skip-delivered.js';

/** As much of a ReadableSpan as the ledger reads. */
const span = (n: number) => ({
  n,
  spanContext: () => ({ traceId: 'a'.repeat(32), spanId: n.toString(16).padStart(16, '0') }),
});
type FakeSpan = ReturnType<typeof span>;

describe('sendingQueue with storage (the delivery ledger, a real file in a temp dir)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kspan-queue-ledger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const settings = (storage: boolean): SendingSettings => ({
    batch: { max_size: 3, timeout: '1s' },
    retry: { enabled: false, initial_interval: '1s', max_interval: '1s', max_elapsed: '1s' },
    queue: { size: 100, concurrency: 1 },
    ...(storage ? { storage: { directory: dir, ttl: '1h', max_entries: 1000 } } : {}),
  });

  /** One run of kspan's exporter: the spans in, what the backend got and the results out. */
  async function run(ns: number[], outcome: SendOutcome = { code: 'success' }, storage = true) {
    const sent: number[] = [];
    const send = async (b: FakeSpan[]) => {
      sent.push(...b.map((s) => s.n));
      return outcome;
    };
    const ctx = standaloneContext({ id: 'otlp/jaeger' });
    const results: ExportResult[] = await firstValueFrom(
      from(ns.map(span)).pipe(sendingQueue(settings(storage), ctx, send), toArray()),
    );
    return { sent, results };
  }
  const count = (results: ExportResult[], reason?: string) =>
    results.filter((r) => r.reason === reason).reduce((n, r) => n + r.failedSpans, 0);

  it('a second run sends only what the first did not, the rest counted as already_exported', async () => {
    const first = await run([1, 2, 3, 4, 5]);
    expect(first.sent).to.deep.equal([1, 2, 3, 4, 5]);
    expect(readFileSync(ledgerFile(settings(true).storage!, 'otlp/jaeger'), 'utf8')).to.match(
      /^kspan-delivery-ledger 1\n(a{32}0{15}[1-5] \d+\n){5}$/,
    );
    const second = await run([1, 2, 3, 4, 5, 6, 7]);
    expect(second.sent).to.deep.equal([6, 7]);
    expect(count(second.results, 'already_exported')).to.equal(5);
    // received = sent + failed + dropped
    const total = second.results.reduce((n, r) => n + r.spans, 0);
    expect(total).to.equal(7);
    const third = await run([6, 7, 8]);
    expect(third.sent).to.deep.equal([8]);
  });

  it('a batch that failed for good is done with too (the leadership watermark’s rule)', async () => {
    const error = new Error('rejected');
    await run([1, 2], { code: 'failure', error });
    const again = await run([1, 2, 3]);
    expect(again.sent).to.deep.equal([3]);
  });

  it('without storage nothing is skipped and no file is written', async () => {
    await run([1, 2], { code: 'success' }, false);
    const again = await run([1, 2], { code: 'success' }, false);
    expect(again.sent).to.deep.equal([1, 2]);
    expect(() => readFileSync(ledgerFile(settings(true).storage!, 'otlp/jaeger'))).to.throw(
      /ENOENT/,
    );
  });
});
