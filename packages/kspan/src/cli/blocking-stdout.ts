/**
 * Makes writes to standard output block while it is a full pipe. A replay is a batch job on one
 * thread: blocked there, it reads the capture no faster than its reader takes the output. Without
 * this, a pipe write only calls back once the reader has taken it, the capture is read on at full
 * speed meanwhile, and past the file exporter's queue (10,000 spans) spans were dropped
 * (`queue_full`; measured: a 100k-line replay into a reader that paused 8 s lost 48,128 spans).
 * Node offers this only on the stream's handle (libuv's `uv_stream_set_blocking`); files are
 * written synchronously already, and a closed pipe still fails the write (EPIPE), as before.
 */
export function blockOnFullStdout(): void {
  const stdout = process.stdout as unknown as { _handle?: { setBlocking?: (on: boolean) => void } };
  stdout._handle?.setBlocking?.(true);
}
