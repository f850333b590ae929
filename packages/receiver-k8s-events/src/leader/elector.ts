import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import {
  errorMessage,
  type Clock,
  type ExportWatermark,
  type Health,
  type Leadership,
  type Logger,
  type Metrics,
} from '@kspan/core';
import { LeaseHttpError, type Lease, type LeaseClient } from './lease-client.js';

/** Lease annotation holding the leader's export watermark (JSON `{emittedAt, recent}`). */
export const WATERMARK_ANNOTATION = 'kspan.io/export-watermark';

export interface ElectorTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  retainMs: number;
  skewMs: number;
}

/**
 * Leader election on one Lease, the way client-go does it: a standby takes the Lease once its
 * record has not changed for the lease duration (timed by this replica's own clock, so clock
 * skew between replicas does not matter), or at once when the holder released it; the leader
 * renews every retry period and steps down when it could not renew within the renew deadline.
 * The leader also writes its export watermark into the Lease (coalesced: one write in flight).
 */
export class LeaderElector implements Leadership {
  private readonly leading = new BehaviorSubject(false);
  readonly leading$: Observable<boolean> = this.leading.pipe(distinctUntilChanged());
  readonly retainMs: number;
  readonly skewMs: number;
  private lease?: Lease;
  /** When this replica last saw the Lease record change (its own clock). */
  private observedAt = 0;
  private observedKey = '';
  private lastRenew = 0;
  private takenOver?: ExportWatermark;
  private pendingWatermark?: ExportWatermark;
  private writing?: Promise<void>;
  private readonly stop = new AbortController();
  private loop?: Promise<void>;
  private readonly leaderGauge;
  private readonly transitions;

  private client!: LeaseClient;

  constructor(
    private readonly identity: string,
    private readonly timing: ElectorTiming,
    private readonly clock: Clock,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly health?: Health,
  ) {
    this.retainMs = timing.retainMs;
    this.skewMs = timing.skewMs;
    this.leaderGauge = metrics.gauge('leader', '1 while this replica holds the lease, else 0');
    this.transitions = metrics.counter(
      'leader_transitions_total',
      'Times this replica became leader or stopped being it',
      ['to'],
    );
    this.leaderGauge.set({}, 0);
    this.transitions.inc({ to: 'leader' }, 0);
    this.transitions.inc({ to: 'standby' }, 0);
  }

  get isLeader(): boolean {
    return this.leading.value;
  }

  takenOverWatermark(): ExportWatermark | undefined {
    return this.takenOver;
  }

  recordWatermark(w: ExportWatermark): void {
    this.pendingWatermark = w;
    if (this.isLeader && !this.writing) this.writing = this.writeSoon();
  }

  /** Starts the election loop in the background (API server faults are retried, never thrown). */
  start(client: LeaseClient): void {
    this.client = client;
    this.loop ??= this.run();
  }

  /** Stops; a leader writes its last watermark and releases the Lease so a standby takes over at once. */
  async shutdown(): Promise<void> {
    this.stop.abort();
    if (!this.loop) return;
    await this.loop;
    await this.writing;
    if (!this.isLeader || !this.lease) return;
    const now = microTime(this.clock.now());
    const released = this.withWatermark({
      ...this.lease,
      spec: {
        ...this.lease.spec,
        holderIdentity: null,
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      },
    });
    try {
      const r = await this.client.update(released);
      this.logger.info(r.ok ? 'released the lease' : 'could not release the lease', {
        identity: this.identity,
      });
    } catch (err) {
      this.logger.warn('could not release the lease', { error: errorMessage(err) });
    }
    this.setLeading(false);
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        if (this.isLeader) await this.renew();
        else await this.tryAcquire();
        this.health?.setReady(true);
      } catch (err) {
        this.logger.rateLimited('lease').warn('lease request failed', {
          error: errorMessage(err),
        });
        // Not allowed is not standing by: no replica can lead until RBAC is fixed.
        if (err instanceof LeaseHttpError && (err.status === 401 || err.status === 403))
          this.health?.setReady(
            false,
            `lease: HTTP ${err.status} (needs leases get/create/update)`,
          );
      }
      if (this.isLeader && this.clock.now() - this.lastRenew > this.timing.renewDeadlineMs) {
        this.logger.warn('could not renew the lease within the renew deadline; standing by');
        this.setLeading(false);
      }
      await this.clock.sleep(this.timing.retryPeriodMs, this.stop.signal).catch(() => {});
    }
  }

  private async tryAcquire(): Promise<void> {
    const current = await this.client.get();
    const now = this.clock.now();
    if (!current) {
      const r = await this.client.create(this.claim(undefined, now));
      if (r.ok) this.acquired(r.lease, undefined, now);
      return;
    }
    const key = JSON.stringify([current.spec.holderIdentity, current.spec.renewTime]);
    if (key !== this.observedKey) {
      this.observedKey = key;
      this.observedAt = now;
    }
    const holder = current.spec.holderIdentity;
    const durationMs = (current.spec.leaseDurationSeconds ?? 15) * 1000;
    const free = !holder || holder === this.identity || now >= this.observedAt + durationMs;
    if (!free) return;
    const r = await this.client.update(this.claim(current, now));
    if (r.ok) this.acquired(r.lease, current, now);
  }

  private claim(current: Lease | undefined, now: number): Lease {
    const at = microTime(now);
    const changed = current?.spec.holderIdentity !== this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: current?.metadata ?? { name: '', namespace: '' },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.ceil(this.timing.leaseDurationMs / 1000),
        acquireTime: at,
        renewTime: at,
        leaseTransitions: (current?.spec.leaseTransitions ?? 0) + (current && changed ? 1 : 0),
      },
    };
  }

  private acquired(lease: Lease, previous: Lease | undefined, now: number): void {
    this.lease = lease;
    this.lastRenew = now;
    this.takenOver = parseWatermark(previous?.metadata.annotations?.[WATERMARK_ANNOTATION]);
    this.logger.info('became leader', {
      identity: this.identity,
      previous: previous?.spec.holderIdentity ?? '',
    });
    this.setLeading(true);
  }

  private async renew(): Promise<void> {
    if (this.writing) return void (await this.writing);
    await this.put();
  }

  /** Writes the watermark now, and again while more came in meanwhile. */
  private async writeSoon(): Promise<void> {
    try {
      while (this.pendingWatermark && this.isLeader && !this.stop.signal.aborted) await this.put();
    } catch (err) {
      this.logger.rateLimited('lease').warn('lease request failed', { error: errorMessage(err) });
    } finally {
      this.writing = undefined;
    }
  }

  /** One renewal, carrying the newest watermark; a conflict means the Lease was taken. */
  private async put(): Promise<void> {
    if (!this.lease) return;
    const now = this.clock.now();
    const at = microTime(now);
    const wm = this.pendingWatermark;
    this.pendingWatermark = undefined;
    const r = await this.client.update(
      this.withWatermark({ ...this.lease, spec: { ...this.lease.spec, renewTime: at } }, wm),
    );
    if (r.ok) {
      this.lease = r.lease;
      this.lastRenew = now;
      return;
    }
    this.pendingWatermark ??= wm;
    if (r.conflict) {
      const current = await this.client.get();
      if (current?.spec.holderIdentity === this.identity) this.lease = current;
      else {
        this.logger.warn('the lease was taken by another replica; standing by', {
          holder: current?.spec.holderIdentity ?? '',
        });
        this.setLeading(false);
      }
    }
  }

  private withWatermark(lease: Lease, wm = this.pendingWatermark): Lease {
    if (!wm) return lease;
    const annotations = {
      ...lease.metadata.annotations,
      [WATERMARK_ANNOTATION]: JSON.stringify(wm),
    };
    return { ...lease, metadata: { ...lease.metadata, annotations } };
  }

  private setLeading(leading: boolean): void {
    if (leading === this.isLeader) return;
    this.leaderGauge.set({}, leading ? 1 : 0);
    this.transitions.inc({ to: leading ? 'leader' : 'standby' });
    if (!leading) this.lease = undefined;
    this.leading.next(leading);
  }
}

function parseWatermark(text: string | undefined): ExportWatermark | undefined {
  if (!text) return undefined;
  try {
    const w = JSON.parse(text) as Partial<ExportWatermark>;
    if (typeof w.emittedAt !== 'number' || !Array.isArray(w.recent)) return undefined;
    return { emittedAt: w.emittedAt, recent: w.recent.filter((x) => typeof x === 'string') };
  } catch {
    return undefined;
  }
}

/** A Lease's times are MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
