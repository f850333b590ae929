import { Observable } from 'rxjs';
import {
  Backoff,
  type BackoffOptions,
  type ClusterIdentity,
  type ComponentContext,
} from '@kspan/core';
import { HttpError, StaleError, classifyFailure, statusMessage } from './http-error.js';
import { ACCEPT_JSON } from './list-watch.js';
import { readBody, type Transport } from './transport.js';

/** Where `k8s.cluster.uid` comes from, as the OpenTelemetry semantic conventions recommend. */
export const CLUSTER_UID_PATH = '/api/v1/namespaces/kube-system';

export interface ClusterIdentityOptions {
  transport: Transport;
  /** `cluster_name` from the config; empty: none. */
  name: string;
  backoff: BackoffOptions;
  /** One request is given up after this long without an answer (the watches' `stale_after`). */
  timeoutMs: number;
  /** Stops the reading (and its retry waits). */
  signal: AbortSignal;
}

/** `readClusterIdentity` as a cold Observable of one value: unsubscribing stops it. */
export function clusterIdentity$(
  o: Omit<ClusterIdentityOptions, 'signal'>,
  ctx: ComponentContext,
): Observable<ClusterIdentity | undefined> {
  return new Observable((subscriber) => {
    const stop = new AbortController();
    const onAbort = () => stop.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    readClusterIdentity({ ...o, signal: stop.signal }, ctx).then(
      (identity) => {
        subscriber.next(identity);
        subscriber.complete();
      },
      (err: unknown) => {
        if (!stop.signal.aborted) subscriber.error(err);
      },
    );
    return () => {
      ctx.signal.removeEventListener('abort', onAbort);
      stop.abort();
    };
  });
}

/**
 * Reads the cluster's identity once, before any watch starts, so every item of a run carries the
 * same one (trace ids depend on the uid: a replica that read none would make other ids).
 * A failure that may pass (connection, 5xx, 429, timeout) is retried with backoff; a refusal
 * (401/403/404, another 4xx, a namespace without uid) is logged and the run goes on without a uid.
 * Returns one frozen object shared by every item, or undefined when neither name nor uid is known.
 */
export async function readClusterIdentity(
  o: ClusterIdentityOptions,
  ctx: ComponentContext,
): Promise<ClusterIdentity | undefined> {
  const backoff = new Backoff(o.backoff);
  let uid: string | undefined;
  for (;;) {
    try {
      uid = await fetchUid(o, ctx);
      if (uid === undefined)
        ctx.logger.warn('cluster uid unknown: the kube-system namespace has no metadata.uid');
      break;
    } catch (err) {
      if (o.signal.aborted) throw err;
      const f = classifyFailure(err);
      const giveUp = err instanceof HttpError && err.status < 500 && err.status !== 429;
      if (giveUp) {
        ctx.logger.warn(
          'cluster uid unknown: cannot read the kube-system namespace (grant `get` on namespaces); spans carry no k8s.cluster.uid',
          { error: f.message },
        );
        break;
      }
      const delay = Math.max(f.minDelayMs, backoff.next());
      ctx.logger
        .rateLimited(`${ctx.id}:cluster-uid`, 30_000)
        .warn('reading the cluster uid failed; retrying', {
          error: f.message,
          retry_in_ms: Math.round(delay),
        });
      await ctx.clock.sleep(delay, o.signal);
    }
  }
  const identity: ClusterIdentity = {};
  if (o.name) identity.name = o.name;
  if (uid) identity.uid = uid;
  if (identity.name === undefined && identity.uid === undefined) return undefined;
  ctx.logger.info('cluster identity', { ...identity });
  return Object.freeze(identity);
}

async function fetchUid(
  o: ClusterIdentityOptions,
  ctx: ComponentContext,
): Promise<string | undefined> {
  const req = new AbortController();
  const onAbort = () => req.abort(o.signal.reason);
  o.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = ctx.clock.scheduler.schedule(() => {
    timedOut = true;
    req.abort(new StaleError(o.timeoutMs));
  }, o.timeoutMs);
  try {
    const res = await o.transport({
      path: CLUSTER_UID_PATH,
      query: {},
      accept: ACCEPT_JSON,
      signal: req.signal,
    });
    const body = await readBody(res.body);
    if (res.status !== 200) throw new HttpError(res.status, statusMessage(body));
    const meta = (JSON.parse(body) as { metadata?: { uid?: unknown } } | null)?.metadata;
    return typeof meta?.uid === 'string' && meta.uid !== '' ? meta.uid : undefined;
  } catch (err) {
    if (timedOut) throw new StaleError(o.timeoutMs);
    // A body that is not JSON is a refusal of sorts (a proxy's error page): not retried.
    if (err instanceof SyntaxError) throw new HttpError(400, `not a Namespace: ${err.message}`);
    throw err;
  } finally {
    timer.unsubscribe();
    o.signal.removeEventListener('abort', onAbort);
    req.abort();
  }
}
