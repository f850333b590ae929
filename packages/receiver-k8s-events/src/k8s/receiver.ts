import { setMaxListeners } from 'node:events';
import { Observable, defer, map, merge, switchMap } from 'rxjs';
import {
  ConfigError,
  parseDuration,
  type ComponentContext,
  type KubeObject,
  type ReceiverFactory,
  type WatchEvent,
} from '@kspan/core';
import { eventTimeOf } from '../capture/normalize.js';
import { clusterIdentity$ } from './cluster-identity.js';
import { toCoreEvent } from './event-shape.js';
import { eventFilter, withExcludedNamespaces } from './filters.js';
import { loadKubeConfig } from './kubeconfig.js';
import { listWatch, type ListWatchObserver } from './list-watch.js';
import { objectWithStatus, statusFingerprint } from './object-with-status.js';
import { ownerKindsOf } from './owner-kinds.js';
import { ownerMetadata } from './owner-metadata.js';
import { CORE_EVENTS, EVENTS_K8S_IO, resourceName, type ResourceRef } from './resource.js';
import { kubeTransport, type Transport } from './transport.js';
import { WatchActivity } from './watch-activity.js';
import type { EventsConfig, EventsConfigSchema } from './config.js';
import { k8sEventsReceiverSpec } from '../specs.js';

export interface EventsStreamOptions {
  /** The API transport; default: node https with the KubeConfig from `config.auth`. */
  transport?: Transport;
  /** Jitter source (tests). */
  random?: () => number;
}

/** Watches a live cluster: Events, and the objects owner chains run through (metadata, status). */
export const k8sEventsReceiver: ReceiverFactory<typeof EventsConfigSchema, 'k8s_watch'> = {
  ...k8sEventsReceiverSpec,
  create: (config, ctx) => k8sEventsStream(config, ctx),
};

/** The `k8s_events` stream, with an injectable transport. No I/O until subscribed. */
export function k8sEventsStream(
  config: EventsConfig,
  ctx: ComponentContext,
  options: EventsStreamOptions = {},
): Observable<WatchEvent> {
  // core's validation ran checkConfig already; this guards a config that skipped it.
  const { refs: ownerKinds, withStatus, problems } = ownerKindsOf(config.owners);
  if (problems.length > 0)
    throw new ConfigError(
      problems.map((p) => ({ path: `${ctx.id}.${p.path}`, message: p.message })),
      ctx.id,
    );
  const w = config.watch;
  const watchTimeoutMs = parseDuration(w.timeout);
  const staleAfterMs = parseDuration(w.stale_after);
  const backoff = {
    initialMs: parseDuration(w.backoff_initial),
    maxMs: parseDuration(w.backoff_max),
    ...(options.random ? { random: options.random } : {}),
  };
  const maxAgeMs = parseDuration(config.max_age);
  const namespaces = config.namespaces;
  const exclude = config.exclude_namespaces;
  const eventRef = config.api === 'events' ? EVENTS_K8S_IO : CORE_EVENTS;

  const m = ctx.metrics;
  const received = m.counter('events_received_total', 'Events received, by Event type and reason', [
    'type',
    'reason',
  ]);
  const dropped = m.counter('events_dropped_total', 'Events dropped, by reason', ['reason']);
  const ownersReceived = m.counter('owners_received_total', 'Owner objects received, by kind', [
    'kind',
  ]);
  const restarts = m.counter('watch_restarts_total', 'Watch restarts, by resource and cause', [
    'resource',
    'cause',
  ]);
  const relists = m.counter('watch_relists_total', 'Lists and relists, by resource and cause', [
    'resource',
    'cause',
  ]);
  const malformed = m.counter(
    'watch_malformed_total',
    'Malformed watch lines or list items, skipped',
    ['resource'],
  );
  const unchanged = m.counter(
    'watch_unchanged_total',
    'Objects watched with status not emitted: what is kept of them did not change',
    ['resource'],
  );
  const duplicates = m.counter(
    'watch_duplicates_total',
    'Items suppressed as already emitted (same uid and resourceVersion)',
    ['resource'],
  );
  const evictions = m.counter(
    'watch_dedupe_evictions_total',
    'Dedupe entries forgotten at capacity',
    ['resource'],
  );
  const liveGauge = m.gauge('watch_live', '1 when the watch is listed and streaming', ['resource']);
  const activity = new WatchActivity(m, ctx.clock);

  // Not ready until every watch has listed (report() below). The service counts a component that
  // has not reported as ready, and the cluster identity is read before any watch starts: without
  // this, /readyz said 200 while no watch existed yet, and a change made then was never seen
  // (a Deployment's first generation, reported done before its watch listed, ended `superseded`).
  ctx.health.setReady(false, 'starting: reading the cluster identity');

  // Credentials (and the client library behind them) load on subscribe, not at create() or import;
  // the cluster identity is read before any watch starts, so that every item carries it.
  const setup$ = defer(
    async () => options.transport ?? kubeTransport(await loadKubeConfig(config.auth)),
  ).pipe(
    switchMap((transport) =>
      clusterIdentity$(
        { transport, name: config.cluster_name, backoff, timeoutMs: staleAfterMs },
        ctx,
      ).pipe(map((cluster) => ({ transport, cluster }))),
    ),
  );
  return setup$.pipe(
    switchMap(({ transport, cluster }) => {
      const startedAt = ctx.clock.now();
      const cutoff = startedAt - maxAgeMs;
      const filter = eventFilter(config);
      const states = new Map<string, { live: boolean; reason: string }>();
      const report = () => {
        const down = [...states.entries()].filter(([, s]) => !s.live);
        if (down.length === 0) ctx.health.setReady(true);
        else
          ctx.health.setReady(
            false,
            down
              .map(([name, s]) => `${name}: ${s.reason}`)
              .slice(0, 5)
              .join('; ') + (down.length > 5 ? `; and ${down.length - 5} more` : ''),
          );
      };
      const log = ctx.logger;

      const observer = (name: string): ListWatchObserver => {
        states.set(name, { live: false, reason: 'starting' });
        const warn = (cause: string) => log.rateLimited(`${ctx.id}:${name}:${cause}`, 30_000);
        return {
          live: (live, reason) => {
            const was = states.get(name);
            states.set(name, { live, reason });
            liveGauge.set({ resource: name }, live ? 1 : 0);
            if (was && was.live && !live) log.warn('watch not live', { resource: name, reason });
            if (was && !was.live && live && was.reason !== 'starting' && was.reason !== 'listing')
              log.info('watch live again', { resource: name });
            report();
          },
          restart: (cause, message, delayMs) => {
            restarts.inc({ resource: name, cause });
            if (cause === 'timeout' || cause === 'closed')
              log.debug('watch ended; resuming', { resource: name, cause, message });
            else
              warn(cause).warn('watch failed; retrying', {
                resource: name,
                cause,
                error: message,
                retry_in_ms: Math.round(delayMs),
              });
          },
          relist: (cause) => {
            relists.inc({ resource: name, cause });
            if (cause !== 'initial') log.info('relisting', { resource: name, cause });
          },
          malformed: (reason, line) => {
            malformed.inc({ resource: name });
            warn('malformed').warn('malformed watch data skipped', {
              resource: name,
              reason,
              line: line.length > 200 ? line.slice(0, 200) + '…' : line,
            });
          },
          duplicate: () => duplicates.inc({ resource: name }),
          unchanged: () => unchanged.inc({ resource: name }),
          evicted: () => evictions.inc({ resource: name }),
        };
      };

      // Every watch listens for the stop on its own. Past 10 listeners on one signal Node warns of
      // a leak (two namespaces make 20 watches), so the watches share a signal sized to them.
      const stop = AbortSignal.any([ctx.signal]);
      const common = {
        transport,
        clock: ctx.clock,
        watchTimeoutMs,
        staleAfterMs,
        backoff,
        pageSize: w.page_size,
        dedupeCapacity: w.dedupe_capacity,
        signal: stop,
      };
      const scopes = (ref: ResourceRef): Array<string | undefined> =>
        ref.namespaced && namespaces.length > 0 ? namespaces : [undefined];
      const label = (ref: ResourceRef, ns: string | undefined) =>
        resourceName(ref) + (ns !== undefined ? `@${ns}` : '');

      const owners = ownerKinds.flatMap((ref) =>
        scopes(ref).map((ns) => {
          const name = label(ref, ns);
          // Kinds with status come whole (a metadata-only watch has no status) and are shrunk here.
          const full = withStatus.has(ref.kind);
          return listWatch({
            ...common,
            resource: ref,
            ...(ns !== undefined ? { namespace: ns } : {}),
            metadataOnly: !full,
            syntheticDeletes: true,
            ...(ref.namespaced && exclude.length > 0
              ? { fieldSelector: withExcludedNamespaces(undefined, exclude) }
              : {}),
            transform: activity.track(name, full ? objectWithStatus : ownerMetadata),
            ...(full ? { fingerprint: statusFingerprint } : {}),
            observer: observer(name),
          });
        }),
      );

      const acceptListed = (ev: KubeObject) => {
        const t = eventTimeOf(ev);
        if (t !== undefined && t < cutoff) {
          dropped.inc({ reason: 'max_age' });
          return false;
        }
        return true;
      };
      const fieldSelector = withExcludedNamespaces(config.field_selector || undefined, exclude);
      const events = scopes(eventRef).map((ns) => {
        const name = label(eventRef, ns);
        return listWatch({
          ...common,
          resource: eventRef,
          ...(ns !== undefined ? { namespace: ns } : {}),
          ...(config.label_selector ? { labelSelector: config.label_selector } : {}),
          ...(fieldSelector ? { fieldSelector } : {}),
          transform: activity.track(name, (o) => {
            const ev = toCoreEvent(o);
            // The filters drop before dedupe and emission; nothing of a dropped Event is kept.
            const why = filter(ev);
            if (why) {
              dropped.inc({ reason: why });
              return undefined;
            }
            return ev;
          }),
          acceptListed,
          observer: observer(name),
        });
      });

      setMaxListeners(owners.length + events.length, stop);
      report();
      return merge(...owners, ...events).pipe(
        (source) =>
          new Observable<WatchEvent>((subscriber) =>
            source.subscribe({
              next: (item) => {
                const o = item.object;
                if (o.kind === 'Event' && (o.apiVersion === 'v1' || o.apiVersion === undefined)) {
                  if (item.type !== 'DELETED')
                    received.inc({ type: String(o.type ?? ''), reason: String(o.reason ?? '') });
                } else ownersReceived.inc({ kind: String(o.kind ?? '') });
                if (cluster) item.cluster = cluster;
                subscriber.next(item);
              },
              error: (e: unknown) => subscriber.error(e),
              complete: () => subscriber.complete(),
            }),
          ),
      );
    }),
  );
}
