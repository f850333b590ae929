import type { EventEmitter } from 'node:events';
import { STDOUT_CLOSED_EVENT } from '@kspan/exporter-otlp';

/**
 * A reader that went away (`kspan replay FILE | head -3`) ends kspan quietly, as it ends any Unix
 * tool, instead of an unhandled EPIPE with a stack trace. Other write errors still go to stderr.
 * The `file` exporter writes stdout through a stream of its own and reports EPIPE on `process`.
 */
export function endQuietlyOnClosedOutput(): void {
  const quietExit = () => process.exit(process.exitCode ?? 0);
  (process as EventEmitter).on(STDOUT_CLOSED_EVENT, quietExit);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') quietExit();
      if (stream !== process.stderr)
        process.stderr.write(`kspan: cannot write output: ${err.message}\n`);
      process.exit(1);
    });
  }
}
