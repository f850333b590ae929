import { setFlagsFromString } from 'node:v8';

// The V8 settings `kspan replay` gives its own process, each skipped when the user gave a flag of
// the same family (in NODE_OPTIONS or as node's arguments): theirs win. Set once the process runs:
// V8 reads both at each collection / compilation (measured: the same RSS and CPU time as the
// command-line flags). Figures: the kspan README, on `kspan replay`.
//
// Heap growth step. V8 lets the old generation grow to several times what is live before a full
// collection (a 1M-line replay with ~190 MB live reached ~800 MB RSS). A smaller step costs more
// collections. On the 1M-line bench capture (~154 MB live at 90 %; alternating runs on a busy
// machine, medians): 100 % ~422 MiB RSS, 42.6 CPU-s, 13 full collections; 70 % ~381 MiB, 43.0
// CPU-s, 18; 50 % ~374 MiB, 44.2 CPU-s, 25. A growth step is a soft bound, not a heap limit: a
// replay whose state is legitimately larger (a huge cluster's capture) grows, slower, and never
// runs out of heap because of it.
//
// Inlining budget. With V8's default (920 bytes of bytecode inlined into one optimized function)
// compiling kspan's hot functions was the largest single cost of a short replay: a 20k-line one
// spent ~0.9 of its ~2.0 CPU-s on V8's background compiler threads. 300 compiles much less for
// slightly slower code (the OTLP encoders ~5-10 %): 20k lines 1.97 -> 1.65 CPU-s, 100k 5.09 ->
// 4.79, 1M the same within noise (39.8 vs 40.1). So a replay — most captures are short — gains,
// and `kspan run` does not take it: a service compiles once and runs for days, where only the
// slower code would remain. 150 or 200 were no better than 300; `--no-turbo-inlining` slowed
// the code.

interface ReplayV8Setting {
  /** The flag set, with its value. */
  readonly flag: string;
  /** Flags by which the user already chose this (either spelling). */
  readonly userFlags: RegExp;
}

export const REPLAY_V8_SETTINGS: readonly ReplayV8Setting[] = [
  {
    flag: '--heap-growing-percent=70',
    // Not the young generation's size: the image sets one (packages/kspan/Dockerfile), and without
    // the step the 1M-line replay on Node 24 took 594 MiB where it takes 371-388 with both.
    userFlags: /--(max[-_]old[-_]space[-_]size|max[-_]heap[-_]size|heap[-_]growing[-_]percent)\b/,
  },
  {
    flag: '--max-inlined-bytecode-size-cumulative=300',
    userFlags: /--(max[-_]inlined[-_]bytecode[-_]size[-_]cumulative|no[-_]turbo[-_]inlining)\b/,
  },
];

/** Whether the user gave a flag of `setting`'s family, in `NODE_OPTIONS` or node's own arguments. */
export function userChose(
  setting: ReplayV8Setting,
  nodeOptions: string | undefined,
  execArgv: readonly string[],
): boolean {
  const { userFlags } = setting;
  return userFlags.test(nodeOptions ?? '') || execArgv.some((a) => userFlags.test(a));
}

/** Applies each of the replay's V8 settings the user did not choose; returns the flags it set. */
export function tuneReplayV8(
  nodeOptions = process.env.NODE_OPTIONS,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const set: string[] = [];
  for (const setting of REPLAY_V8_SETTINGS) {
    if (userChose(setting, nodeOptions, execArgv)) continue;
    setFlagsFromString(setting.flag);
    set.push(setting.flag);
  }
  return set;
}
