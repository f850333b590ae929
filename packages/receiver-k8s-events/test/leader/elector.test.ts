import { expect } from 'chai';
import { MetricsRegistry, silentLogger, type Clock } from '@kspan/core';
import { asyncScheduler } from 'rxjs';
import {
  LeaseHttpError,
  LeaderElector,
  WATERMARK_ANNOTATION,
  type Lease,
  type LeaseClient,
  type LeaseWrite,
} from '../../src/index.js';

/** Virtual time for an async loop: `advance` fires due sleeps and lets their promises settle. */
class FakeClock implements Clock {
  private t = 1_000_000;
  private timers: Array<{ at: number; fire: () => void }> = [];
  readonly scheduler = asyncScheduler;
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      const timer = {
        at: this.t + ms,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async advance(ms: number, step = 100): Promise<void> {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + step);
      const due = this.timers.filter((x) => x.at <= this.t);
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const d of due) d.fire();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    }
  }
}

/** One Lease in memory with the API server's optimistic concurrency (resourceVersion). */
class LeaseStore {
  lease?: Lease;
  private rv = 0;
  client(down: () => boolean = () => false): LeaseClient {
    const check = () => {
      if (down()) throw new Error('connect ECONNREFUSED');
    };
    const store = (l: Lease): LeaseWrite => {
      this.lease = structuredClone({
        ...l,
        metadata: {
          ...l.metadata,
          name: 'kspan',
          namespace: 'ns',
          resourceVersion: `${++this.rv}`,
        },
      });
      return { ok: true, lease: structuredClone(this.lease) };
    };
    return {
      get: async () => (check(), this.lease ? structuredClone(this.lease) : undefined),
      create: async (l) => (
        check(),
        this.lease ? { ok: false, conflict: true, status: 409 } : store(l)
      ),
      update: async (l) => {
        check();
        if (l.metadata.resourceVersion !== this.lease?.metadata.resourceVersion)
          return { ok: false, conflict: true, status: 409 };
        return store(l);
      },
    };
  }
}

const TIMING = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  retainMs: 60_000,
  skewMs: 2_000,
};

function replica(id: string, clock: FakeClock) {
  const registry = new MetricsRegistry();
  const e = new LeaderElector(id, TIMING, clock, silentLogger, registry.metricsFor('elector'));
  return { e, registry };
}

describe('LeaderElector (virtual time, in-memory Lease)', () => {
  it('one replica leads, the other stands by; a killed leader is replaced within lease duration + retry period', async () => {
    const clock = new FakeClock();
    const store = new LeaseStore();
    const a = replica('a', clock);
    const b = replica('b', clock);
    let aDead = false;
    a.e.start(store.client(() => aDead));
    await clock.advance(100);
    b.e.start(store.client());
    await clock.advance(6_000);
    expect([a.e.isLeader, b.e.isLeader]).to.deep.equal([true, false]);
    expect(await a.registry.value('leader')).to.equal(1);
    expect(await b.registry.value('leader')).to.equal(0);

    aDead = true; // like kill -9: no more renewals
    const killedAt = clock.now();
    let tookOverAt = 0;
    b.e.leading$.subscribe((l) => {
      if (l && !tookOverAt) tookOverAt = clock.now();
    });
    await clock.advance(25_000);
    const ms = tookOverAt - killedAt;
    expect(ms, 'takeover after the last renewal').to.be.within(
      TIMING.leaseDurationMs - TIMING.retryPeriodMs,
      TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs,
    );
    expect(store.lease?.spec.holderIdentity).to.equal('b');
    expect(store.lease?.spec.leaseTransitions).to.equal(1);
    // the cut-off leader stood by once it could not renew for the renew deadline
    expect(a.e.isLeader).to.equal(false);
    expect(await a.registry.value('leader_transitions_total', { to: 'standby' })).to.equal(1);
    expect(await b.registry.value('leader_transitions_total', { to: 'leader' })).to.equal(1);
  });

  it('a graceful stop writes the last watermark and releases: the standby leads within one retry period and reads it', async () => {
    const clock = new FakeClock();
    const store = new LeaseStore();
    const a = replica('a', clock);
    const b = replica('b', clock);
    a.e.start(store.client());
    await clock.advance(100);
    b.e.start(store.client());
    await clock.advance(3_000);
    expect(a.e.isLeader).to.equal(true);
    a.e.recordWatermark({ emittedAt: 123, recent: ['x'] });
    await clock.advance(100);
    expect(
      JSON.parse(store.lease?.metadata.annotations?.[WATERMARK_ANNOTATION] ?? '{}'),
    ).to.deep.equal({ emittedAt: 123, recent: ['x'] });
    a.e.recordWatermark({ emittedAt: 456, recent: ['y'] });
    const stopping = a.e.shutdown();
    await clock.advance(100);
    await stopping;
    expect(store.lease?.spec.holderIdentity).to.equal(null);
    const releasedAt = clock.now();
    let tookOverAt = 0;
    b.e.leading$.subscribe((l) => {
      if (l && !tookOverAt) tookOverAt = clock.now();
    });
    await clock.advance(4_000);
    expect(tookOverAt - releasedAt).to.be.at.most(TIMING.retryPeriodMs);
    expect(b.e.takenOverWatermark()).to.deep.equal({ emittedAt: 456, recent: ['y'] });
  });

  it('a leader that cannot reach the API server stands by after the renew deadline, and leads again after', async () => {
    const clock = new FakeClock();
    const store = new LeaseStore();
    const a = replica('a', clock);
    let down = false;
    a.e.start(store.client(() => down));
    await clock.advance(3_000);
    expect(a.e.isLeader).to.equal(true);
    down = true;
    await clock.advance(TIMING.renewDeadlineMs + TIMING.retryPeriodMs + 100);
    expect(a.e.isLeader).to.equal(false);
    down = false;
    await clock.advance(TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs);
    expect(a.e.isLeader, 'its own Lease: taken again').to.equal(true);
  });

  it('a Lease it may not touch (403) makes it not ready with the reason; fixed RBAC makes it ready and leading', async () => {
    const clock = new FakeClock();
    const store = new LeaseStore();
    let forbidden = true;
    const real = store.client();
    const client: LeaseClient = {
      get: () => (forbidden ? Promise.reject(new LeaseHttpError(403, 'HTTP 403')) : real.get()),
      create: (l) => real.create(l),
      update: (l) => real.update(l),
    };
    const states: Array<[boolean, string | undefined]> = [];
    const e = new LeaderElector(
      'a',
      TIMING,
      clock,
      silentLogger,
      new MetricsRegistry().metricsFor('elector'),
      { setReady: (ready, reason) => states.push([ready, reason]) },
    );
    e.start(client);
    await clock.advance(3_000);
    expect(states.at(-1)).to.deep.equal([
      false,
      'lease: HTTP 403 (needs leases get/create/update)',
    ]);
    expect(e.isLeader).to.equal(false);
    forbidden = false;
    await clock.advance(3_000);
    expect(states.at(-1)?.[0]).to.equal(true);
    expect(e.isLeader).to.equal(true);
  });
});
