import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Observable } from 'rxjs';
import { KspanError, errorMessage, type WatchEvent } from '@kspan/core';
import { formatCaptureLine } from './format.js';

export interface CaptureResult {
  /** Lines written. */
  items: number;
  bytes: number;
}

/**
 * Records a watch stream (a receiver's output: events and owner objects) to a capture file, one
 * `formatCaptureLine` a line, written as items arrive so that an interrupted capture is still a
 * valid file up to its last line. Resolves once the stream completed and everything is flushed;
 * rejects if the stream errors (after flushing what came before) or the file cannot be written.
 * `target` is a path (created or truncated), `-` for stdout, or any writable stream (not closed).
 */
export function captureTo(
  stream: Observable<WatchEvent>,
  target: string | Writable,
): Promise<CaptureResult> {
  return new Promise<CaptureResult>((resolve, reject) => {
    const toFile = typeof target === 'string' && target !== '-';
    const out: Writable =
      typeof target === 'string'
        ? target === '-'
          ? process.stdout
          : createWriteStream(target, { encoding: 'utf8' })
        : target;
    const result: CaptureResult = { items: 0, bytes: 0 };
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      sub?.unsubscribe();
      reject(
        err instanceof KspanError
          ? err
          : new KspanError(
              'COMPONENT_FAILED',
              `capture: cannot write ${toFile ? target : 'output'}: ${errorMessage(err)}`,
              { cause: err },
            ),
      );
    };
    out.on('error', fail);
    const finish = (then: () => void) => {
      if (toFile)
        out.end((err?: Error | null) => {
          if (err) fail(err);
          else then();
        });
      else if (out.writableNeedDrain) out.once('drain', then);
      else then();
    };
    // eslint-disable-next-line prefer-const -- assigned after subscribe returns, used in fail()
    let sub: { unsubscribe(): void } | undefined;
    sub = stream.subscribe({
      next: (ev) => {
        if (failed) return;
        const line = formatCaptureLine(ev) + '\n';
        result.items++;
        result.bytes += Buffer.byteLength(line);
        out.write(line);
      },
      error: (err: unknown) =>
        finish(() => {
          if (failed) return;
          failed = true;
          reject(err); // the stream's own error, as it is
        }),
      complete: () =>
        finish(() => {
          if (!failed) resolve(result);
        }),
    });
    if (failed) sub.unsubscribe();
  });
}
