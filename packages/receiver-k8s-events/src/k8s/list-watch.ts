import { Observable, type Subscription } from 'rxjs';
import {
  Backoff,
  KspanError,
  parseRetryAfter,
  isRecord,
  type Clock,
  type KubeObject,
  type WatchEvent,
  type WatchEventType,
} from '@kspan/core';
import { rfc3339 } from '../capture/format.js';
import { LineSplitter } from '../stream/line-splitter.js';
import { EmittedObjects } from './emitted-objects.js';
import type { ListWatchObserver, ListWatchOptions } from './list-watch-options.js';
import { HttpError, StaleError, classifyFailure, statusMessage } from './http-error.js';
import { groupVersion, resourceName, resourcePath } from './resource.js';
import { readBody, type TransportResponse } from './transport.js';

/** `Accept` for full objects. */
export const ACCEPT_JSON = 'application/json';
/** `Accept` for metadata-only lists and watches (PartialObjectMetadata). */
export const ACCEPT_METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const ACCEPT_METADATA =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

export type { ListWatchObserver, ListWatchOptions } from './list-watch-options.js';

const MAX_LINE = 32 * 1024 * 1024;
const MAX_RETRY_AFTER_MS = 300_000;

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
  private readonly emitted: EmittedObjects;
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
    this.emitted = new EmittedObjects(o.dedupeCapacity, o.syntheticDeletes === true, () =>
      this.observer.evicted?.(),
    );
    this.backoff = new Backoff(o.backoff);
    this.pageSize = o.pageSize;
    this.watchTimeoutMs = o.watchTimeoutMs;
    this.staleAfterMs = o.staleAfterMs;
    this.path = resourcePath(o.resource, o.namespace);
    this.apiVersion = groupVersion(o.resource);
    this.what = resourceName(o.resource) + (o.namespace ? ` in ${o.namespace}` : '');
  }

  /** Entries in the dedupe table (≈ live objects). */
  get tracked(): number {
    return this.emitted.size;
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
        // 410 Gone (an HTTP answer or a watch ERROR event): the resourceVersion was compacted away;
        // list again at once, backing off only when it keeps happening.
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
        const retryAfter = parseRetryAfter(res.headers['retry-after'], this.clock.now());
        // A server asking for more than 5 minutes is not waited for longer than that.
        throw new HttpError(
          res.status,
          statusMessage(body),
          retryAfter === undefined ? undefined : Math.min(retryAfter, MAX_RETRY_AFTER_MS),
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
    for (const metadata of this.emitted.vanished(seen))
      this.emit({
        type: 'DELETED',
        object: { apiVersion: this.apiVersion, kind: this.o.resource.kind, metadata },
        observedAt: rfc3339(this.clock.now()),
      });
    this.rv = listRv;
  }

  /** Streams one watch request until it ends; an ERROR event (410 included) throws an HttpError. */
  private async watch(): Promise<{ delivered: boolean }> {
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
        const onLine = (text: string) => {
          if (text.trim() !== '' && this.watchLine(text) === 'ok') delivered = true;
        };
        for await (const chunk of res.body) {
          touch();
          for (const l of lines.push(chunk)) onLine(l.text);
          if (lines.pending > MAX_LINE) {
            this.observer.malformed?.(`watch line longer than ${MAX_LINE} characters`, '');
            throw new HttpError(500, 'oversized watch line');
          }
        }
        for (const l of lines.end()) onLine(l.text);
        return { delivered };
      },
    );
  }

  /** One line of a watch stream. */
  private watchLine(text: string): 'ok' | 'skipped' {
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
    const observedAt = rfc3339(this.clock.now());
    const uid = object.metadata?.uid;
    if (!uid) {
      this.emit({ type, object, observedAt });
      return;
    }
    const withUid = object as KubeObject & { metadata: { uid: string } };
    const fingerprint =
      type !== 'DELETED' && this.o.fingerprint ? this.o.fingerprint(object) : undefined;
    const out = this.emitted.admit(type, withUid, listed, this.o.acceptListed, fingerprint);
    if (out === 'duplicate') this.observer.duplicate?.();
    else if (out === 'unchanged') this.observer.unchanged?.();
    else if (out) this.emit({ type: out, object, observedAt });
  }
}
