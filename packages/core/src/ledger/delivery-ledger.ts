// The delivery ledger: which span ids an exporter is done with, kept in a file so that a restarted
// kspan (which relists the cluster and derives the same span ids again) does not send them twice.
// The Collector's persistent sending queue keeps its state in a directory the same way.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../errors.js';

/** First line of a ledger file: a file without it is not ours (or from an unknown version). */
export const LEDGER_HEADER = 'kspan-delivery-ledger 1';
// One entry a line: trace id (32 hex) + span id (16 hex), a space, the time it was done (ms).
const ENTRY_RE = /^([0-9a-f]{48}) (\d{1,15})$/;

export interface DeliveryLedgerOptions {
  /** The ledger file; its directory is created if missing. */
  file: string;
  /** Entries older than this (ms) are forgotten at load and compaction. */
  ttlMs: number;
  /** Most entries kept; the oldest go first. The file is compacted when it holds twice as many. */
  maxEntries: number;
  now: () => number;
  /** Told at open what was wrong with the file: unreadable (a cold start) or lines skipped. */
  onWarning?: (message: string) => void;
  /** Told every failed write (the export goes on; those ids may be sent again after a restart). */
  onWriteError?: (error: string, entries: number) => void;
}

/** What a load found: the entries to keep (oldest first), and what was left out. */
interface Loaded {
  entries: Map<string, number>;
  /** Lines read but not kept: expired, over the cap, repeated or unreadable. */
  discarded: number;
  unreadable: number;
}

/**
 * Span ids delivered by earlier runs (`has`), and an append-only record of this run's (`record`).
 * `has` answers only for what was in the file when it was opened: within one run the processor's
 * ids are unique by construction, and the ledger changes nothing there.
 * Memory: one 48-character string in a Set per loaded entry (about 100 bytes, see the core README).
 */
export class DeliveryLedger {
  private fd: number | undefined;
  private lines: number;

  private constructor(
    private readonly options: DeliveryLedgerOptions,
    private readonly previous: Set<string>,
    lines: number,
  ) {
    this.lines = lines;
  }

  /** Loads the file (compacting it when it held anything not kept) and opens it for appending. */
  static open(options: DeliveryLedgerOptions): DeliveryLedger {
    let loaded: Loaded = { entries: new Map(), discarded: 0, unreadable: 0 };
    let rewrite = false;
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      loaded = load(options);
      rewrite = loaded.discarded > 0;
      if (loaded.unreadable > 0) {
        options.onWarning?.(`${loaded.unreadable} unreadable lines in ${options.file} skipped`);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A first start has no file yet: that is no fault, so nothing is said.
      if (code !== 'ENOENT') options.onWarning?.(`cold start: ${errorMessage(err)}`);
      rewrite = true;
    }
    const ledger = new DeliveryLedger(
      options,
      new Set(loaded.entries.keys()),
      loaded.entries.size + 1,
    );
    if (rewrite) ledger.rewrite(loaded.entries);
    return ledger;
  }

  /** Span ids an earlier run delivered (as loaded at open). */
  get size(): number {
    return this.previous.size;
  }

  /** Whether an earlier run was done with this span. */
  has(traceId: string, spanId: string): boolean {
    return this.previous.has(traceId + spanId);
  }

  /** Appends these spans as done now: one write(), so the kernel has them before the next batch. */
  record(ids: ReadonlyArray<{ traceId: string; spanId: string }>): void {
    if (ids.length === 0) return;
    const t = Math.floor(this.options.now());
    let text = '';
    for (const { traceId, spanId } of ids) text += `${traceId}${spanId} ${t}\n`;
    try {
      if (this.fd === undefined) this.fd = openSync(this.options.file, 'a');
      writeSync(this.fd, text);
      this.lines += ids.length;
    } catch (err) {
      this.options.onWriteError?.(errorMessage(err), ids.length);
      return;
    }
    if (this.lines > 2 * this.options.maxEntries + 1) this.compact();
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed or gone: nothing left to lose, every write has returned.
    }
    this.fd = undefined;
  }

  /** Re-reads the file and keeps what `open` would keep; the earlier runs' set stays as it is. */
  private compact(): void {
    try {
      this.rewrite(load(this.options).entries);
    } catch (err) {
      this.options.onWriteError?.(`compaction: ${errorMessage(err)}`, 0);
    }
  }

  /** Writes the entries to a temporary file and renames it over the ledger: never half a file. */
  private rewrite(entries: Map<string, number>): void {
    const temp = `${this.options.file}.tmp`;
    let text = LEDGER_HEADER + '\n';
    for (const [key, t] of entries) text += `${key} ${t}\n`;
    try {
      const fd = openSync(temp, 'w');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.close();
      renameSync(temp, this.options.file);
      this.lines = entries.size + 1;
    } catch (err) {
      this.options.onWriteError?.(`rewrite: ${errorMessage(err)}`, 0);
    }
  }
}

/** Reads the file: throws when it cannot be read or is not a ledger (a cold start). */
function load(options: DeliveryLedgerOptions): Loaded {
  const text = readFileSync(options.file, 'utf8');
  const lines = text.split('\n');
  if (lines[0] !== LEDGER_HEADER) {
    throw new Error(`${options.file} is not a kspan delivery ledger (first line "${lines[0]}")`);
  }
  // A SIGKILL can leave the last line cut short; it has no newline and is dropped quietly.
  const oldest = options.now() - options.ttlMs;
  const entries = new Map<string, number>();
  let read = 0;
  let unreadable = 0;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    read++;
    const m = ENTRY_RE.exec(line);
    if (!m) {
      unreadable++;
      continue;
    }
    const t = Number(m[2]);
    if (t < oldest) continue;
    // Re-set so that the Map's order stays oldest first.
    entries.delete(m[1] as string);
    entries.set(m[1] as string, t);
  }
  const partial = text.endsWith('\n') ? 0 : 1;
  let over = entries.size - options.maxEntries;
  for (const key of entries.keys()) {
    if (over-- <= 0) break;
    entries.delete(key);
  }
  return { entries, discarded: read + partial - entries.size, unreadable };
}
