import { VirtualTimeScheduler, type Observable, type Subscription } from 'rxjs';
import { schedulerClock, type Clock } from '@kspan/core';
import type { Transport, TransportRequest, TransportResponse } from '../../src/k8s/transport.js';

/** A scripted answer to one request. */
export type Answer = (req: TransportRequest) => Promise<TransportResponse> | TransportResponse;

/** Resolves when the request is aborted, then throws like node does. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR' }));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** A response whose body is `lines` (each + \n); `hang` keeps it open until aborted. */
export function ok(lines: unknown[], opts: { hang?: boolean } = {}): Answer {
  return (req) => ({
    status: 200,
    headers: {},
    body: (async function* () {
      for (const l of lines) yield (typeof l === 'string' ? l : JSON.stringify(l)) + '\n';
      if (opts.hang) await aborted(req.signal);
    })(),
  });
}

/** A list page. */
export function page(items: unknown[], resourceVersion: string, cont?: string): Answer {
  return (req) => ({
    status: 200,
    headers: {},
    body: (async function* () {
      void req;
      yield JSON.stringify({
        kind: 'List',
        apiVersion: 'v1',
        metadata: { resourceVersion, ...(cont ? { continue: cont } : {}) },
        items,
      });
    })(),
  });
}

export function status(
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return () => ({
    status: code,
    headers,
    body: (async function* () {
      yield JSON.stringify({ kind: 'Status', status: 'Failure', message, code });
    })(),
  });
}

export function fail(code: string): Answer {
  return () => {
    throw Object.assign(new Error(`connect ${code} 127.0.0.1:6443`), { code });
  };
}

/** Never answers until aborted. */
export function hang(): Answer {
  return (req) => aborted(req.signal);
}

export interface Fake {
  transport: Transport;
  calls: TransportRequest[];
}

/** Answers requests in order per route (a function of the request), then hangs. */
export function fakeTransport(
  route: (req: TransportRequest) => string,
  scripts: Record<string, Answer[]>,
  otherwise: Answer = hang(),
): Fake {
  const calls: TransportRequest[] = [];
  const transport: Transport = async (req) => {
    calls.push(req);
    const queue = scripts[route(req)] ?? [];
    const answer = queue.shift() ?? otherwise;
    return answer(req);
  };
  return { transport, calls };
}

/** One scripted sequence for a single resource: every request takes the next answer. */
export function sequence(...answers: Answer[]): Fake {
  return fakeTransport(() => 'all', { all: answers });
}

export const isWatch = (req: TransportRequest) => req.query.watch === '1';

/** A virtual clock: time jumps to the next timer whenever everything else is idle (see `drive`). */
export function virtualClock(): { clock: Clock; scheduler: VirtualTimeScheduler } {
  const scheduler = new VirtualTimeScheduler(undefined, Infinity);
  return { clock: schedulerClock(scheduler), scheduler };
}

/** Advances virtual time to the earliest pending timer and runs the timers due then (not all of them). */
export function step(scheduler: VirtualTimeScheduler): void {
  const next = scheduler.actions[0];
  if (!next) return;
  scheduler.maxFrames = next.delay;
  scheduler.flush();
  scheduler.maxFrames = Infinity;
}

/**
 * Subscribes and drives the virtual clock until `until` says stop (checked between steps) or
 * `maxSteps` passes; returns what was emitted and the subscription (still open).
 */
export async function drive<T>(
  obs: Observable<T>,
  scheduler: VirtualTimeScheduler,
  until: (items: T[]) => boolean,
  maxSteps = 200,
): Promise<{ items: T[]; sub: Subscription; error?: unknown; completed: boolean }> {
  const items: T[] = [];
  const state: { error?: unknown; completed: boolean } = { completed: false };
  const sub = obs.subscribe({
    next: (v) => items.push(v),
    error: (e: unknown) => (state.error = e),
    complete: () => (state.completed = true),
  });
  for (
    let i = 0;
    i < maxSteps && !until(items) && !state.completed && state.error === undefined;
    i++
  ) {
    await new Promise((r) => setImmediate(r));
    if (until(items)) break;
    step(scheduler);
  }
  return {
    items,
    sub,
    completed: state.completed,
    ...(state.error !== undefined ? { error: state.error } : {}),
  };
}

export function pod(name: string, uid: string, rv: string, extra: Record<string, unknown> = {}) {
  return { metadata: { name, namespace: 'default', uid, resourceVersion: rv }, ...extra };
}

export function watchEvent(type: string, object: unknown) {
  return { type, object };
}
