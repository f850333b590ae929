import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryLedger, LEDGER_HEADER } from '../src/ledger/delivery-ledger.js';

const HOUR = 3_600_000;
const trace = (n: number) => n.toString(16).padStart(32, '0');
const span = (n: number) => n.toString(16).padStart(16, '0');
const ids = (...ns: number[]) => ns.map((n) => ({ traceId: trace(n), spanId: span(n) }));

describe('DeliveryLedger (a real file in a temp dir)', () => {
  let dir: string;
  let file: string;
  let now: number;
  let warnings: string[];
  let writeErrors: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kspan-ledger-'));
    file = join(dir, 'sub', 'otlp.ledger');
    now = 10 * HOUR;
    warnings = [];
    writeErrors = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const open = (over: { maxEntries?: number; ttlMs?: number } = {}) =>
    DeliveryLedger.open({
      file,
      ttlMs: over.ttlMs ?? HOUR,
      maxEntries: over.maxEntries ?? 100,
      now: () => now,
      onWarning: (m) => warnings.push(m),
      onWriteError: (e) => writeErrors.push(e),
    });
  const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean);

  it('starts empty without a file (no warning), and a restart knows what the first run recorded', () => {
    const first = open();
    expect(first.size).to.equal(0);
    expect(first.has(trace(1), span(1))).to.equal(false);
    first.record(ids(1, 2));
    first.record(ids(3));
    // The first run's own records do not change its answers: within a run ids are unique.
    expect(first.has(trace(1), span(1))).to.equal(false);
    first.close();
    expect(lines()).to.deep.equal([
      LEDGER_HEADER,
      `${trace(1)}${span(1)} ${now}`,
      `${trace(2)}${span(2)} ${now}`,
      `${trace(3)}${span(3)} ${now}`,
    ]);
    const second = open();
    expect(second.size).to.equal(3);
    expect(second.has(trace(2), span(2))).to.equal(true);
    expect(second.has(trace(2), span(3))).to.equal(false);
    expect(warnings).to.deep.equal([]);
  });

  it('forgets entries older than the TTL at load, and rewrites the file without them', () => {
    const first = open();
    first.record(ids(1));
    now += 40 * 60_000;
    first.record(ids(2));
    first.close();
    now += 30 * 60_000; // 70 min after id 1, 30 min after id 2
    const second = open();
    expect(second.has(trace(1), span(1))).to.equal(false);
    expect(second.has(trace(2), span(2))).to.equal(true);
    expect(lines()).to.have.length(2); // header + id 2
  });

  it('keeps the newest max_entries at load', () => {
    const first = open({ maxEntries: 1000 });
    for (let i = 1; i <= 5; i++) {
      first.record(ids(i));
      now += 1000;
    }
    first.close();
    const second = open({ maxEntries: 3 });
    expect(second.size).to.equal(3);
    expect([1, 2, 3, 4, 5].map((i) => second.has(trace(i), span(i)))).to.deep.equal([
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(lines()).to.have.length(4);
  });

  it('compacts the file while running once it holds twice max_entries, atomically (no temp left)', () => {
    const ledger = open({ maxEntries: 4 });
    for (let i = 1; i <= 8; i++) ledger.record(ids(i));
    expect(lines()).to.have.length(9);
    ledger.record(ids(9)); // 9 entries > 2 × 4: rewritten to the newest 4
    expect(lines()).to.deep.equal([
      LEDGER_HEADER,
      ...[6, 7, 8, 9].map((i) => `${trace(i)}${span(i)} ${now}`),
    ]);
    ledger.record(ids(10)); // appends to the new file
    ledger.close();
    expect(lines()).to.have.length(6);
    expect(() => readFileSync(`${file}.tmp`)).to.throw(/ENOENT/);
    expect(writeErrors).to.deep.equal([]);
  });

  it('a file that is not a ledger: one warning, a cold start, and the file is replaced', () => {
    open().close();
    writeFileSync(file, 'garbage\x00\x01\nmore\n');
    const ledger = open();
    expect(ledger.size).to.equal(0);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/cold start: .*not a kspan delivery ledger/);
    ledger.record(ids(7));
    ledger.close();
    expect(lines()).to.deep.equal([LEDGER_HEADER, `${trace(7)}${span(7)} ${now}`]);
  });

  it('skips unreadable lines and a last line cut short (a SIGKILL mid-write), keeping the rest', () => {
    const good = `${trace(1)}${span(1)} ${now}`;
    open().close();
    writeFileSync(file, `${LEDGER_HEADER}\n${good}\nnot an entry\n${trace(2)}${span(2)} 12`);
    const ledger = open();
    expect(ledger.size).to.equal(1);
    expect(ledger.has(trace(1), span(1))).to.equal(true);
    expect(warnings).to.deep.equal([`1 unreadable lines in ${file} skipped`]);
    expect(lines()).to.deep.equal([LEDGER_HEADER, good]);
  });

  it('an unusable directory: a warning, a cold start, writes counted as failed, no throw', () => {
    // A regular file where the directory should be: ENOTDIR even for root.
    writeFileSync(join(dir, 'not-a-dir'), '');
    file = join(dir, 'not-a-dir', 'x.ledger');
    const ledger = open();
    expect(ledger.size).to.equal(0);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/cold start: .*(ENOTDIR|EEXIST)/);
    expect(() => ledger.record(ids(1))).not.to.throw();
    expect(writeErrors.some((e) => /ENOTDIR/.test(e))).to.equal(true);
  });
});
