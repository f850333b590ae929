import type { EventEmitter } from 'node:events';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the file exporter's lines go; each write resolves once the line is handed to the OS. */
export interface LineSink {
  /** A line of text, or its UTF-8 bytes. */
  write(line: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Appends to a file, opened (and its folder made) on the first write; reopened after an error. */
export function fileSink(path: string): LineSink {
  let handle: Promise<FileHandle> | undefined;
  const get = () =>
    (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a')));
  return {
    async write(line) {
      try {
        await (await get()).appendFile(line);
      } catch (err) {
        const h = handle;
        handle = undefined;
        await h?.then((f) => f.close()).catch(() => {});
        throw err;
      }
    },
    async close() {
      const h = handle;
      handle = undefined;
      await h?.then((f) => f.close()).catch(() => {});
    },
  };
}

/** Emitted on `process` when standard output's reader has gone away (EPIPE). */
export const STDOUT_CLOSED_EVENT = 'kspan:stdout-closed';

/**
 * Writes to standard output through `process.stdout`, which waits when a pipe is full (a stream of
 * our own on fd 1 failed with EAGAIN there once the fd was non-blocking), with an error listener so
 * that a closed pipe (`kspan ... | head`) fails a write instead of crashing the process with EPIPE.
 */
export function stdoutSink(out: NodeJS.WriteStream = process.stdout): LineSink {
  // Reported through the write callbacks. After an error the stream is destroyed and later
  // writes would never call back, so they fail at once with the first error.
  let broken: Error | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    broken ??= err;
    // The reader went away; a CLI that ends quietly then (kspan) listens for this on `process`.
    if (err.code === 'EPIPE') (process as EventEmitter).emit(STDOUT_CLOSED_EVENT, err);
  };
  out.on('error', onError);
  return {
    write: (line) =>
      new Promise<void>((resolve, reject) => {
        if (broken || out.destroyed) return reject(broken ?? new Error('stdout is closed'));
        out.write(line, (err) => {
          if (err) broken ??= err;
          return err ? reject(err) : resolve();
        });
      }),
    // Every write waited for its callback; standard output stays open for the process (and the
    // error listener on it: an EPIPE after the close must not crash it either).
    close: () => Promise.resolve(),
  };
}
