import { readFileSync, readdirSync } from 'node:fs';

/** CPU seconds (user + system) of this process's main thread and of all its other threads. */
export interface ThreadCpu {
  main: number;
  other: number;
}

// The figures count a process's CPU, all threads: besides the JavaScript thread that is V8's
// compiler and GC helper threads and libuv's pool (zlib, fs). How much of a run they take tells
// warm-up (compiling) and GC apart from the work itself. Linux only (/proc/self/task/*/stat,
// fields 14 and 15 in clock ticks, 100 a second on Linux); null elsewhere.
const TICKS_PER_S = 100;

export function threadCpu(): ThreadCpu | null {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const out: ThreadCpu = { main: 0, other: 0 };
  for (const tid of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // After "pid (name) ": state is field 3, utime and stime fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
    if (Number(tid) === process.pid) out.main += seconds;
    else out.other += seconds;
  }
  return out;
}

/** The share of the CPU since `from` spent outside the main thread; null without /proc. */
export function backgroundShare(from: ThreadCpu | null): number | null {
  const now = threadCpu();
  if (!from || !now) return null;
  const main = now.main - from.main;
  const other = now.other - from.other;
  return main + other > 0 ? other / (main + other) : null;
}
