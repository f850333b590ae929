import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root: children run from it so that `--import tsx` resolves. */
export const REPO_ROOT = resolve(HERE, '../../..');

export interface ChildOptions {
  /** Extra node flags, e.g. `--max-old-space-size=8192`, `--cpu-prof`. */
  nodeFlags?: string[];
  /** Kill the child after this long. */
  timeoutMs?: number;
}

/**
 * Runs `bench/src/<script>` in a fresh Node process (`--import tsx --expose-gc`) with the repo
 * root as cwd, passes `args`, and resolves with the first IPC message it sends (its result).
 * Progress goes to the child's stderr, which is inherited.
 */
export function runChild<T>(script: string, args: unknown, options: ChildOptions = {}): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const child: ChildProcess = fork(resolve(HERE, '..', script), [JSON.stringify(args)], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc', ...(options.nodeFlags ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          if (settled) return;
          settled = true;
          child.kill('SIGKILL');
          reject(new Error(`${script} did not finish within ${options.timeoutMs} ms`));
        }, options.timeoutMs)
      : undefined;
    child.once('message', (msg) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      const m = msg as { error?: string; result?: T };
      if (m.error !== undefined) reject(new Error(`${script}: ${m.error}`));
      else resolvePromise(m.result as T);
    });
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(new Error(`${script} exited (${signal ?? code}) without a result`));
    });
  });
}

/**
 * The child side: parses the JSON argument, runs `fn`, sends `{result}` or `{error}` to the
 * parent and exits. Use as the whole body of a figure's entry file.
 */
export function childMain<A, R>(fn: (args: A) => Promise<R>): void {
  const args = JSON.parse(process.argv[2] ?? '{}') as A;
  const reply = (message: { result?: R; error?: string }, code: number) => {
    if (process.send) process.send(message, () => process.exit(code));
    else {
      // run by hand (e.g. under --cpu-prof): print the result instead
      console.log(JSON.stringify(message, null, 2));
      process.exit(code);
    }
  };
  fn(args).then(
    (result) => reply({ result }, 0),
    (err: unknown) =>
      reply({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1),
  );
}

/** Full garbage collection (the children run with --expose-gc), repeated until the heap settles. */
export async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise<void>((r) => setImmediate(r));
  }
}

/** Progress line on stderr (stdout is the table). */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
