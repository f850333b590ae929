import type { EventEmitter } from 'node:events';

const quietExit = () => process.exit(process.exitCode ?? 0);

/**
 * A reader that went away (`kspan replay FILE | head -3`) ends kspan quietly, as it ends any Unix
 * tool, instead of an unhandled EPIPE with a stack trace. Other write errors still go to stderr.
 */
export function endQuietlyOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') quietExit();
      if (stream !== process.stderr)
        process.stderr.write(`kspan: cannot write output: ${err.message}\n`);
      process.exit(1);
    });
  }
}

/**
 * The `file` exporter reports an EPIPE on standard output on `process` too (an embedder may have no
 * listener of its own on `process.stdout`). Called by the commands that run exporters, from their
 * own module graph (replay's bundle holds its own copy of the exporter), so that `--help` and
 * `--version` need not load the exporter package.
 */
export async function endQuietlyWhenExporterSeesClosedStdout(): Promise<void> {
  const { STDOUT_CLOSED_EVENT } = await import('@kspan/exporter-otlp');
  (process as EventEmitter).on(STDOUT_CLOSED_EVENT, quietExit);
}
