import { setFlagsFromString } from 'node:v8';

// How `kspan replay` keeps its memory near its live state. V8 lets the old generation grow to
// several times what is live before a full collection (a 1M-line replay with ~190 MB live reached
// ~800 MB RSS). A smaller growth step costs more collections. Measured on the 1M-line bench
// capture (~154 MB live at 90 %; alternating runs on a busy machine, medians): 100 % ~422 MiB
// RSS, 42.6 CPU-s, 13 full collections; 70 % ~381 MiB, 43.0 CPU-s, 18; 50 % ~374 MiB, 44.2
// CPU-s, 25 (kspan README, replay paragraph).
// A growth factor is a soft bound — no heap limit — so a replay whose state is legitimately larger
// (a huge cluster's capture) just grows, slower, and never runs out of heap because of it. V8
// reads the factor at each collection, so setting it once the process runs works (measured: the
// same RSS as `node --heap-growing-percent=N`).

/** The old generation grows by this much of what a full collection left live, then collects again. */
export const REPLAY_HEAP_GROWING_PERCENT = 70;

/** V8 flags by which a user already chose how the heap grows (either spelling): theirs win. */
const USER_HEAP_FLAG =
  /--(max[-_]old[-_]space[-_]size|max[-_]heap[-_]size|heap[-_]growing[-_]percent|max[-_]semi[-_]space[-_]size)\b/;

/** Whether the user gave a heap flag, in `NODE_OPTIONS` or node's own arguments. */
export function userChoseHeap(
  nodeOptions: string | undefined,
  execArgv: readonly string[],
): boolean {
  return USER_HEAP_FLAG.test(nodeOptions ?? '') || execArgv.some((a) => USER_HEAP_FLAG.test(a));
}

/** Sets the replay's heap growth, unless the user chose one. Returns whether it did. */
export function boundReplayHeap(
  nodeOptions = process.env.NODE_OPTIONS,
  execArgv: readonly string[] = process.execArgv,
): boolean {
  if (userChoseHeap(nodeOptions, execArgv)) return false;
  setFlagsFromString(`--heap-growing-percent=${REPLAY_HEAP_GROWING_PERCENT}`);
  return true;
}
