import { Observable, type Subscription } from 'rxjs';
import {
  Backoff,
  KspanError,
  isRecord,
  type Clock,
  type KubeObject,
  type WatchEvent,
  type WatchEventType,
} from '@kspan/core';
import { rfc3339 } from '../capture/format.js';
import { LineSplitter } from '../stream/line-splitter.js';
import { BoundedMap } from './bounded-map.js';
import {
  HttpError,
  StaleError,
  classifyFailure,
  retryAfterMs,
  statusMessage,
} from './http-error.js';
import { groupVersion, resourceName, resourcePath, type ResourceRef } from './resource.js';
import { readBody, type Transport, type TransportResponse } from './transport.js';

/** `Accept` for full objects. */
export const ACCEPT_JSON = 'application/json';
/** `Accept` for metadata-only lists and watches (PartialObjectMetadata). */
export const ACCEPT_METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const ACCEPT_METADATA =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** What happens inside a `listWatch`, for metrics, logs and readiness. All optional. */
export interface ListWatchObserver {
  /** Live = listed and a watch is streaming; not live = listing, backing off, or refused. */
  live?(live: boolean, reason: string): void;
  /** A watch (or list) ended and is started again; `delayMs` is the wait before it. */
  restart?(cause: string, message: string, delayMs: number): void;
  /** A (re)list begins: `initial`, or `gone` (410: the resourceVersion was compacted away). */
  relist?(cause: string): void;
  /** A watch line that is not a watch event (counted, skipped). */
  malformed?(reason: string, line: string): void;
  /** An item already emitted with the same uid and resourceVersion, suppressed. */
  duplicate?(): void;
  /** The dedupe table was full and forgot its oldest entry. */
  evicted?(): void;
}

export interface ListWatchOptions {
  transport: Transport;
  resource: ResourceRef;
  /** Only this namespace (namespaced resources); all namespaces when absent. */
  namespace?: string;
  clock: Clock;
  /** Ask for PartialObjectMetadata (metadata only). */
  metadataOnly?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page (`limit`). */
  pageSize?: number;
  /** Server-side end of each watch request (`timeoutSeconds`), ms. */
  watchTimeoutMs?: number;
  /** A request on which nothing arrives for this long is presumed dead and reconnected, ms. */
  staleAfterMs?: number;
  backoff?: { initialMs: number; maxMs: number; random?: () => number };
  /** Most uid → resourceVersion entries remembered for dedupe (LRU beyond). */
  dedupeCapacity?: number;
  /**
   * Remember name and namespace of live objects so that an object deleted while the watch was
   * down gets a synthetic DELETED after a relist (owner graphs want it; events do not).
   */
  syntheticDeletes?: boolean;
  /** Applied to each object before dedupe and emission (normalise, strip); `undefined` drops it. */
  transform?: (object: KubeObject) => KubeObject | undefined;
  /** A listed object not emitted before passes only if this says so (e.g. not older than max_age). */
  acceptListed?: (object: KubeObject) => boolean;
  observer?: ListWatchObserver;
  /** Aborting completes the stream (graceful stop), as unsubscribing does. */
  signal?: AbortSignal;
}

type Known = string | { rv: string; name?: string; namespace?: string };

const MAX_LINE = 32 * 1024 * 1024;

/**
 * List then watch one resource, for ever, through every failure: resumes from the last
 * resourceVersion when a watch ends; relists on 410 Gone and emits only what was not emitted yet
 * (dedupe by uid + resourceVersion, bounded); requests bookmarks; backs off with jitter on 429,
 * 5xx, refused connections and refused credentials (never relisting for those); reconnects a watch
 * on which nothing arrived for `staleAfterMs`. Emits watch events stamped with `observedAt`.
 * Cold; completes when unsubscribed or `signal` aborts; errors only on a configuration fault.
 */
export function listWatch(options: ListWatchOptions): Observable<WatchEvent> {
  return new Observable<WatchEvent>((subscriber) => {
    const abort = new AbortController();
    const onOuter = () => abort.abort();
    if (options.signal?.aborted) abort.abort();
    options.signal?.addEventListener('abort', onOuter, { once: true });
    new ListWatchLoop(options, abort.signal, (ev) => subscriber.next(ev)).run().then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      abort.abort();
      options.signal?.removeEventListener('abort', onOuter);
    };
  });
}

class ListWatchLoop {
  private rv: string | undefined;
  private readonly known: BoundedMap<string, Known>;
  private readonly deleted: BoundedMap<string, true>;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly observer: ListWatchObserver;
  private readonly pageSize: number;
  private readonly watchTimeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly path: string;
  private readonly apiVersion: string;
  private readonly what: string;
  private isLive = false;

  constructor(
    private readonly o: ListWatchOptions,
    private readonly signal: AbortSignal,
    private readonly emit: (ev: WatchEvent) => void,
  ) {
    this.clock = o.clock;
    this.observer = o.observer ?? {};
    const capacity = o.dedupeCapacity ?? 100_000;
    this.known = new BoundedMap(capacity, () => this.observer.evicted?.());
    this.deleted = new BoundedMap(Math.min(capacity, 10_000));
    this.backoff = new Backoff({
      initialMs: o.backoff?.initialMs ?? 1000,
      maxMs: o.backoff?.maxMs ?? 30_000,
      ...(o.backoff?.random ? { random: o.backoff.random } : {}),
    });
    this.pageSize = o.pageSize ?? 500;
    this.watchTimeoutMs = o.watchTimeoutMs ?? 30_000;
    this.staleAfterMs = o.staleAfterMs ?? 45_000;
    this.path = resourcePath(o.resource, o.namespace);
    this.apiVersion = groupVersion(o.resource);
    this.what = resourceName(o.resource) + (o.namespace ? ` in ${o.namespace}` : '');
  }

  /** Entries in the dedupe table (≈ live objects). */
  get tracked(): number {
    return this.known.size;
  }

  async run(): Promise<void> {
    let needList = true;
    let listCause = 'initial';
    let gonesInARow = 0;
    while (!this.signal.aborted) {
      try {
        if (needList) {
          this.setLive(false, listCause === 'initial' ? 'listing' : `relisting (${listCause})`);
          await this.list(listCause);
          needList = false;
        }
        const started = this.clock.now();
        const outcome = await this.watch();
        if (this.signal.aborted) break;
        if (outcome.result === 'gone') {
          needList = true;
          listCause = 'gone';
          gonesInARow++;
          const delay = gonesInARow > 1 ? this.backoff.next() : 0;
          this.observer.restart?.('gone', outcome.message, delay);
          if (delay > 0) await this.clock.sleep(delay, this.signal);
          continue;
        }
        gonesInARow = outcome.delivered ? 0 : gonesInARow;
        const lasted = this.clock.now() - started;
        const healthy = outcome.delivered || lasted >= 1000;
        if (healthy) this.backoff.reset();
        const delay = healthy ? 0 : this.backoff.next();
        this.observer.restart?.(
          lasted >= this.watchTimeoutMs - 1000 ? 'timeout' : 'closed',
          `watch ended after ${lasted} ms`,
          delay,
        );
        if (delay > 0) await this.clock.sleep(delay, this.signal);
      } catch (err) {
        if (this.signal.aborted) break;
        if (err instanceof KspanError && err.code.startsWith('CONFIG')) throw err;
        const f = classifyFailure(err);
        if (f.relist) {
          needList = true;
          listCause = 'gone';
          gonesInARow++;
          const delay = Math.max(f.minDelayMs, gonesInARow > 1 ? this.backoff.next() : 0);
          this.observer.restart?.('gone', f.message, delay);
          if (delay > 0) await this.sleep(delay);
          continue;
        }
        this.setLive(false, f.message);
        const delay = Math.max(f.minDelayMs, this.backoff.next());
        this.observer.restart?.(f.cause, f.message, delay);
        await this.sleep(delay);
      }
    }
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await this.clock.sleep(ms, this.signal);
    } catch {
      // aborted: the loop ends
    }
  }

  private setLive(live: boolean, reason: string): void {
    if (live === this.isLive && live) return;
    this.isLive = live;
    this.observer.live?.(live, reason);
  }

  private selectors(): Record<string, string> {
    const q: Record<string, string> = {};
    if (this.o.labelSelector) q.labelSelector = this.o.labelSelector;
    if (this.o.fieldSelector) q.fieldSelector = this.o.fieldSelector;
    return q;
  }

  /** A GET with a staleness watchdog: nothing arriving (head or body) for staleAfterMs aborts it. */
  private async request<T>(
    query: Record<string, string>,
    accept: string,
    consume: (res: TransportResponse, touch: () => void) => Promise<T>,
  ): Promise<T> {
    const req = new AbortController();
    const onAbort = () => req.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    let last = this.clock.now();
    let stale = false;
    let timer: Subscription | undefined;
    const check = () => {
      const idle = this.clock.now() - last;
      if (idle >= this.staleAfterMs) {
        stale = true;
        req.abort(new StaleError(this.staleAfterMs));
      } else timer = this.clock.scheduler.schedule(check, this.staleAfterMs - idle);
    };
    timer = this.clock.scheduler.schedule(check, this.staleAfterMs);
    const touch = () => {
      last = this.clock.now();
    };
    try {
      const res = await this.o.transport({ path: this.path, query, accept, signal: req.signal });
      touch();
      if (res.status !== 200) {
        const body = await readBody(res.body);
        throw new HttpError(
          res.status,
          statusMessage(body),
          retryAfterMs(res.headers['retry-after']),
        );
      }
      return await consume(res, touch);
    } catch (err) {
      if (stale) throw new StaleError(this.staleAfterMs);
      throw err;
    } finally {
      timer?.unsubscribe();
      this.signal.removeEventListener('abort', onAbort);
      req.abort();
    }
  }

  private async list(cause: string): Promise<void> {
    this.observer.relist?.(cause);
    const seen = new Set<string>();
    let cont: string | undefined;
    let listRv: string | undefined;
    do {
      const query: Record<string, string> = { ...this.selectors(), limit: String(this.pageSize) };
      if (cont) query.continue = cont;
      const text = await this.request(
        query,
        this.o.metadataOnly ? ACCEPT_METADATA_LIST : ACCEPT_JSON,
        async (res, touch) => {
          const parts: string[] = [];
          for await (const chunk of res.body) {
            touch();
            parts.push(chunk);
          }
          return parts.join('');
        },
      );
      let page: { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown };
      try {
        page = JSON.parse(text) as typeof page;
      } catch (err) {
        this.observer.malformed?.(`list page is not JSON: ${(err as Error).message}`, text);
        throw new HttpError(500, 'malformed list response');
      }
      // An empty PartialObjectMetadataList comes as `"items": null`.
      if (page.items === null || page.items === undefined) page.items = [];
      if (!Array.isArray(page.items)) {
        this.observer.malformed?.('list page has no items', text);
        throw new HttpError(500, 'malformed list response');
      }
      for (const item of page.items as unknown[]) {
        if (!isRecord(item) || !isRecord(item.metadata)) {
          this.observer.malformed?.('list item is not an object with metadata', '');
          continue;
        }
        const uid = (item.metadata as { uid?: unknown }).uid;
        if (typeof uid === 'string') seen.add(uid);
        this.handle('ADDED', item as KubeObject, true);
      }
      listRv = page.metadata?.resourceVersion ?? listRv;
      cont = page.metadata?.continue || undefined;
    } while (cont && !this.signal.aborted);
    if (this.signal.aborted) return;
    // Objects known before that the list no longer has were deleted while we were away.
    for (const [uid, k] of [...this.known.entries()]) {
      if (seen.has(uid)) continue;
      this.known.delete(uid);
      if (this.o.syntheticDeletes && typeof k === 'object') {
        this.deleted.set(uid, true);
        const metadata: KubeObject['metadata'] = { uid, resourceVersion: k.rv };
        if (k.name !== undefined) metadata.name = k.name;
        if (k.namespace !== undefined) metadata.namespace = k.namespace;
        this.emit({
          type: 'DELETED',
          object: { apiVersion: this.apiVersion, kind: this.o.resource.kind, metadata },
          observedAt: rfc3339(this.clock.now()),
        });
      }
    }
    this.rv = listRv;
  }

  private async watch(): Promise<
    { result: 'closed'; delivered: boolean } | { result: 'gone'; message: string }
  > {
    const query: Record<string, string> = {
      ...this.selectors(),
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.max(1, Math.round(this.watchTimeoutMs / 1000))),
    };
    if (this.rv) query.resourceVersion = this.rv;
    return this.request(
      query,
      this.o.metadataOnly ? ACCEPT_METADATA : ACCEPT_JSON,
      async (res, touch) => {
        this.setLive(true, 'watching');
        const lines = new LineSplitter();
        let delivered = false;
        const onLine = (text: string): { gone: string } | undefined => {
          if (text.trim() === '') return undefined;
          const r = this.watchLine(text);
          if (r === 'ok') delivered = true;
          return typeof r === 'object' ? r : undefined;
        };
        for await (const chunk of res.body) {
          touch();
          for (const l of lines.push(chunk)) {
            const gone = onLine(l.text);
            if (gone) return { result: 'gone' as const, message: gone.gone };
          }
          if (lines.pending > MAX_LINE) {
            this.observer.malformed?.(`watch line longer than ${MAX_LINE} characters`, '');
            throw new HttpError(500, 'oversized watch line');
          }
        }
        for (const l of lines.end()) {
          const gone = onLine(l.text);
          if (gone) return { result: 'gone' as const, message: gone.gone };
        }
        return { result: 'closed' as const, delivered };
      },
    );
  }

  /** One line of a watch stream. */
  private watchLine(text: string): 'ok' | 'skipped' | { gone: string } {
    let ev: unknown;
    try {
      ev = JSON.parse(text);
    } catch (err) {
      this.observer.malformed?.(`invalid JSON: ${(err as Error).message}`, text);
      return 'skipped';
    }
    if (!isRecord(ev) || typeof ev.type !== 'string' || !isRecord(ev.object)) {
      this.observer.malformed?.('not a watch event {type, object}', text);
      return 'skipped';
    }
    const object = ev.object as KubeObject & { code?: unknown; message?: unknown };
    switch (ev.type) {
      case 'BOOKMARK': {
        const rv = object.metadata?.resourceVersion;
        if (typeof rv === 'string' && rv) this.rv = rv;
        return 'ok';
      }
      case 'ERROR': {
        const code = typeof object.code === 'number' ? object.code : 500;
        const message = typeof object.message === 'string' ? object.message : 'watch error';
        if (code === 410) return { gone: `HTTP 410: ${message}` };
        throw new HttpError(code, message);
      }
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        if (!isRecord(object.metadata)) {
          this.observer.malformed?.('watch object has no metadata', text);
          return 'skipped';
        }
        const rv = object.metadata.resourceVersion;
        this.handle(ev.type, object, false);
        if (typeof rv === 'string' && rv) this.rv = rv;
        return 'ok';
      }
      default:
        this.observer.malformed?.(`unknown watch event type ${JSON.stringify(ev.type)}`, text);
        return 'skipped';
    }
  }

  /** Dedupe and emit one object from a list (`listed`) or a watch. */
  private handle(type: WatchEventType, raw: KubeObject, listed: boolean): void {
    raw.apiVersion = this.apiVersion;
    raw.kind = this.o.resource.kind;
    const object = this.o.transform ? this.o.transform(raw) : raw;
    if (!object) return;
    const meta = object.metadata ?? {};
    const uid = meta.uid;
    const rv = meta.resourceVersion ?? '';
    const observedAt = rfc3339(this.clock.now());
    if (!uid) {
      this.emit({ type, object, observedAt });
      return;
    }
    if (type === 'DELETED') {
      if (this.deleted.has(uid)) {
        this.observer.duplicate?.();
        return;
      }
      this.known.delete(uid);
      this.deleted.set(uid, true);
      this.emit({ type, object, observedAt });
      return;
    }
    const prev = this.known.get(uid);
    const prevRv = typeof prev === 'object' ? prev.rv : prev;
    if (prev !== undefined && prevRv === rv) {
      this.observer.duplicate?.();
      return;
    }
    if (listed && prev === undefined && this.o.acceptListed && !this.o.acceptListed(object)) return;
    this.known.set(
      uid,
      this.o.syntheticDeletes
        ? {
            rv,
            ...(meta.name !== undefined ? { name: meta.name } : {}),
            ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
          }
        : rv,
    );
    const outType: WatchEventType = listed ? (prev === undefined ? 'ADDED' : 'MODIFIED') : type;
    this.emit({ type: outType, object, observedAt });
  }
}
