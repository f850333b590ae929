import { setFlagsFromString } from 'node:v8';

// How much V8's optimizing compiler (TurboFan) inlines into one optimized function (issue 15).
// With V8's default budget (920 bytes of bytecode) kspan's hot functions — the causality engine's
// above all — become large compilations, and compiling was the largest single cost of a replay:
// a 20k-line `kspan replay` spent ~0.9 of its ~2.0 CPU-s on V8's background threads, and with
// `--no-concurrent-recompilation` its main thread grew by as much instead. A budget of 300 bytes
// compiles much less; the compiled code is a little slower (the OTLP encoders alone ~5-10 %), so
// the gain is on runs where compiling weighs (short and mid-sized ones) and nil on long ones.
// Measured on the generated captures (CPU-s, same output; the machine shared, figures vary ~5 %
// run to run): `kspan replay --format otlp-json` of 20k lines 1.97 -> 1.65 (2 runs each, as a
// flag); of 100k 5.09 -> 4.79 (medians of 3 alternating runs against the build before); of 1M
// the same within noise (2 alternating pairs: 39.8 vs 40.1, 42.7 vs 49.3); the service figure
// (k8s_capture -> causality -> otlp gRPC, 100k lines) 18.8k -> 20.2k lines per CPU-s (medians of
// 3). 150 or 200 were no better than 300; `--no-turbo-inlining` slowed the code; a larger
// `--interrupt-budget` gained at 20k lines, not at 100k. Set once the process runs: V8 reads it
// at each compilation (measured: the same CPU time as the command-line flag).

/** Most bytes of bytecode TurboFan inlines into one function (V8's default: 920). */
export const JIT_INLINING_BUDGET = 300;

/** V8 flags by which a user already chose how much is inlined (either spelling): theirs win. */
const USER_INLINING_FLAG =
  /--(max[-_]inlined[-_]bytecode[-_]size[-_]cumulative|no[-_]turbo[-_]inlining)\b/;

/** Whether the user gave an inlining flag, in `NODE_OPTIONS` or node's own arguments. */
export function userChoseInlining(
  nodeOptions: string | undefined,
  execArgv: readonly string[],
): boolean {
  return (
    USER_INLINING_FLAG.test(nodeOptions ?? '') || execArgv.some((a) => USER_INLINING_FLAG.test(a))
  );
}

/**
 * Sets the inlining budget for a process that runs a pipeline (`kspan run`, `kspan replay`),
 * unless the user chose one. Call it before the pipeline runs. Returns whether it did.
 */
export function limitJitInlining(
  nodeOptions = process.env.NODE_OPTIONS,
  execArgv: readonly string[] = process.execArgv,
): boolean {
  if (userChoseInlining(nodeOptions, execArgv)) return false;
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${JIT_INLINING_BUDGET}`);
  return true;
}
