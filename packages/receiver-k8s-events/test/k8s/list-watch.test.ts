import { expect } from 'chai';
import { KspanError, type WatchEvent } from '@kspan/core';
import {
  ACCEPT_METADATA,
  ACCEPT_METADATA_LIST,
  listWatch,
  type ListWatchOptions,
} from '../../src/k8s/list-watch.js';
import type { ResourceRef } from '../../src/k8s/resource.js';
import {
  drive,
  fail,
  hang,
  ok,
  page,
  pod,
  sequence,
  status,
  virtualClock,
  watchEvent,
  type Fake,
} from './fake.js';

const PODS: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
};

interface Log {
  live: Array<[boolean, string]>;
  restarts: Array<[string, number]>;
  relists: string[];
  malformed: string[];
  duplicates: number;
  unchanged: number;
  evicted: number;
}

function setup(fake: Fake, extra: Partial<ListWatchOptions> = {}) {
  const { clock, scheduler } = virtualClock();
  const log: Log = {
    live: [],
    restarts: [],
    relists: [],
    malformed: [],
    duplicates: 0,
    unchanged: 0,
    evicted: 0,
  };
  const obs = listWatch({
    transport: fake.transport,
    resource: PODS,
    clock,
    backoff: { initialMs: 1000, maxMs: 30_000, random: () => 1 },
    // The receiver's schema defaults.
    pageSize: 500,
    watchTimeoutMs: 30_000,
    staleAfterMs: 45_000,
    dedupeCapacity: 100_000,
    observer: {
      live: (l, r) => log.live.push([l, r]),
      restart: (c, _m, d) => log.restarts.push([c, d]),
      relist: (c) => log.relists.push(c),
      malformed: (r) => log.malformed.push(r),
      duplicate: () => log.duplicates++,
      unchanged: () => log.unchanged++,
      evicted: () => log.evicted++,
    },
    ...extra,
  });
  return { obs, scheduler, clock, log };
}

const summary = (items: WatchEvent[]) =>
  items.map((i) => `${i.type} ${i.object.metadata?.name}@${i.object.metadata?.resourceVersion}`);

describe('listWatch', () => {
  it('lists page by page, then watches from the list resourceVersion with bookmarks', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '5')], '9', 'token-1'),
      page([pod('b', 'ub', '7')], '10'),
      ok([
        watchEvent('ADDED', pod('c', 'uc', '11')),
        watchEvent('MODIFIED', pod('a', 'ua', '12')),
        watchEvent('DELETED', pod('b', 'ub', '13')),
      ]),
    );
    const { obs, scheduler, log } = setup(fake, { pageSize: 1, labelSelector: 'app=x' });
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 5);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal([
      'ADDED a@5',
      'ADDED b@7',
      'ADDED c@11',
      'MODIFIED a@12',
      'DELETED b@13',
    ]);
    expect(items.every((i) => i.object.kind === 'Pod' && i.object.apiVersion === 'v1')).to.equal(
      true,
    );
    expect(items.every((i) => typeof i.observedAt === 'string')).to.equal(true);
    expect(fake.calls[0]!.path).to.equal('/api/v1/pods');
    expect(fake.calls[0]!.query).to.deep.equal({ labelSelector: 'app=x', limit: '1' });
    expect(fake.calls[1]!.query).to.deep.equal({
      labelSelector: 'app=x',
      limit: '1',
      continue: 'token-1',
    });
    expect(fake.calls[2]!.query).to.deep.equal({
      labelSelector: 'app=x',
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '30',
      resourceVersion: '10',
    });
    expect(log.relists).to.deep.equal(['initial']);
    expect(log.live[log.live.length - 1]).to.deep.equal([true, 'watching']);
  });

  it('resumes a watch that ended from the last resourceVersion (event or bookmark), without relisting', async () => {
    const fake = sequence(
      page([], '10'),
      ok([
        watchEvent('ADDED', pod('a', 'ua', '11')),
        { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '20' } } },
      ]),
      ok([watchEvent('ADDED', pod('b', 'ub', '21'))]),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake);
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 2);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@11', 'ADDED b@21']);
    expect(fake.calls.map((c) => c.query.resourceVersion)).to.deep.equal(
      [undefined, '10', '20', '21'].slice(0, fake.calls.length),
    );
    expect(log.relists).to.deep.equal(['initial']);
    expect(log.restarts.map((r) => r[0])).to.include('closed');
  });

  it('on 410 Gone relists once and emits only what it had not emitted (uid + resourceVersion)', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '5'), pod('b', 'ub', '6'), pod('c', 'uc', '7')], '10'),
      ok([
        watchEvent('MODIFIED', pod('a', 'ua', '11')),
        {
          type: 'ERROR',
          object: { kind: 'Status', code: 410, message: 'too old resource version: 11 (40)' },
        },
      ]),
      // relist: a unchanged (11), b changed (30), c gone, d new
      page([pod('a', 'ua', '11'), pod('b', 'ub', '30'), pod('d', 'ud', '31')], '40'),
      ok([watchEvent('ADDED', pod('e', 'ue', '41'))]),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake, { syntheticDeletes: true });
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 8);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal([
      'ADDED a@5',
      'ADDED b@6',
      'ADDED c@7',
      'MODIFIED a@11',
      'MODIFIED b@30',
      'ADDED d@31',
      'DELETED c@7',
      'ADDED e@41',
    ]);
    expect(items[6]!.object).to.deep.include({ kind: 'Pod', apiVersion: 'v1' });
    expect(items[6]!.object.metadata).to.deep.equal({
      uid: 'uc',
      resourceVersion: '7',
      name: 'c',
      namespace: 'default',
    });
    expect(log.relists).to.deep.equal(['initial', 'gone']);
    expect(log.duplicates).to.equal(1);
    expect(fake.calls[3]!.query.resourceVersion).to.equal('40');
  });

  it('with a fingerprint, suppresses a MODIFIED (watched or relisted) whose fingerprint did not change', async () => {
    const phase = (p: string) => ({ status: { phase: p } });
    const fake = sequence(
      page([pod('a', 'ua', '5', phase('Pending')), pod('b', 'ub', '6', phase('Running'))], '10'),
      ok([
        watchEvent('MODIFIED', pod('a', 'ua', '11', phase('Pending'))), // unchanged
        watchEvent('MODIFIED', pod('a', 'ua', '12', phase('Running'))),
        watchEvent('MODIFIED', pod('a', 'ua', '13', phase('Running'))), // unchanged
        watchEvent('DELETED', pod('b', 'ub', '14', phase('Running'))), // a deletion always goes
        { type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } },
      ]),
      // relist: a at a new resourceVersion, still Running (unchanged); c new
      page([pod('a', 'ua', '20', phase('Running')), pod('c', 'uc', '21', phase('Pending'))], '30'),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake, {
      syntheticDeletes: true,
      // the phase as a number: the same phase, the same fingerprint
      fingerprint: (o) => [
        ['Pending', 'Running'].indexOf((o.status as { phase: string }).phase),
        0,
      ],
    });
    const { items, sub } = await drive(obs, scheduler, () => fake.calls.length >= 4);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal([
      'ADDED a@5',
      'ADDED b@6',
      'MODIFIED a@12',
      'DELETED b@14',
      'ADDED c@21',
    ]);
    expect(log.unchanged).to.equal(3);
    expect(log.duplicates).to.equal(0);
    // The suppressed versions still moved the watch on: it resumed from the relist's version.
    expect(fake.calls[3]!.query.resourceVersion).to.equal('30');
  });

  it('without a fingerprint, a new resourceVersion is always emitted (metadata-only owners, Events)', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '5')], '10'),
      ok([
        watchEvent('MODIFIED', pod('a', 'ua', '11')),
        watchEvent('MODIFIED', pod('a', 'ua', '11')),
      ]),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake);
    const { items, sub } = await drive(
      obs,
      scheduler,
      (i) => i.length >= 2 && fake.calls.length >= 3,
    );
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@5', 'MODIFIED a@11']);
    expect(log.duplicates).to.equal(1);
    expect(log.unchanged).to.equal(0);
  });

  it('treats an HTTP 410 at watch start the same way', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '5')], '10'),
      status(410, 'Gone'),
      page([pod('a', 'ua', '5')], '50'),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake);
    const { items, sub } = await drive(obs, scheduler, () => fake.calls.length >= 4);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@5']);
    expect(log.relists).to.deep.equal(['initial', 'gone']);
    expect(log.duplicates).to.equal(1);
  });

  it('does not storm: a second 410 in a row waits a backoff before relisting', async () => {
    const gone = ok([{ type: 'ERROR', object: { code: 410, message: 'too old' } }]);
    const fake = sequence(page([], '1'), gone, page([], '2'), gone, page([], '3'), hang());
    const { obs, scheduler, log } = setup(fake);
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 6);
    sub.unsubscribe();
    expect(log.restarts.filter((r) => r[0] === 'gone').map((r) => r[1])).to.deep.equal([0, 1000]);
  });

  it('backs off with growing delays on 5xx and refused connections, resuming the watch without relisting', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '5')], '10'),
      status(503, 'unavailable'),
      fail('ECONNREFUSED'),
      status(500, 'boom'),
      fail('ECONNRESET'),
      ok([watchEvent('ADDED', pod('b', 'ub', '11'))]),
      hang(),
    );
    const { obs, scheduler, log, clock } = setup(fake);
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 2);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@5', 'ADDED b@11']);
    expect(log.restarts.filter((r) => r[0] !== 'closed')).to.deep.equal([
      ['server_error', 1000],
      ['connection', 2000],
      ['server_error', 4000],
      ['connection', 8000],
    ]);
    expect(log.relists).to.deep.equal(['initial']);
    expect(
      fake.calls
        .slice(1, 6)
        .every((c) => c.query.watch === '1' && c.query.resourceVersion === '10'),
    ).to.equal(true);
    expect(clock.now()).to.equal(15_000);
  });

  it('caps the backoff at the maximum', async () => {
    const answers = [page([], '1'), ...Array.from({ length: 8 }, () => status(500, 'x'))];
    const fake = sequence(...answers);
    const { obs, scheduler, log } = setup(fake);
    const { sub } = await drive(obs, scheduler, () => log.restarts.length >= 8);
    sub.unsubscribe();
    expect(log.restarts.map((r) => r[1])).to.deep.equal([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('honours Retry-After on 429', async () => {
    const fake = sequence(page([], '1'), status(429, 'slow down', { 'retry-after': '7' }), hang());
    const { obs, scheduler, log } = setup(fake);
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 3);
    sub.unsubscribe();
    expect(log.restarts[0]).to.deep.equal(['throttled', 7000]);
  });

  it("honours Retry-After as an HTTP date (core's parser) and caps a long one at 5 minutes", async () => {
    for (const [header, expected] of [
      [new Date(12_000).toUTCString(), 12_000],
      ['3600', 300_000],
    ] as const) {
      const fake = sequence(page([], '1'), status(429, 'slow', { 'retry-after': header }), hang());
      const { obs, scheduler, log } = setup(fake);
      const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 2);
      sub.unsubscribe();
      expect(log.restarts[0], header).to.deep.equal(['throttled', expected]);
    }
  });

  it('on 401/403 reports not live with the reason, keeps retrying, and is live again once allowed', async () => {
    const fake = sequence(
      status(403, 'pods is forbidden: User "x" cannot list resource "pods"'),
      status(403, 'pods is forbidden'),
      status(401, 'Unauthorized'),
      page([pod('a', 'ua', '5')], '10'),
      ok([], { hang: true }),
    );
    const { obs, scheduler, log } = setup(fake);
    const { items, sub } = await drive(obs, scheduler, () => log.live.some(([l]) => l));
    sub.unsubscribe();
    expect(items).to.have.length(1);
    expect(log.restarts.map((r) => r[0])).to.deep.equal(['forbidden', 'forbidden', 'unauthorized']);
    const notLive = log.live.filter(([l]) => !l).map(([, r]) => r);
    expect(notLive.some((r) => r.includes('HTTP 403: pods is forbidden'))).to.equal(true);
    expect(log.live[log.live.length - 1]).to.deep.equal([true, 'watching']);
  });

  it('reconnects a watch on which nothing arrives for stale_after, from its resourceVersion', async () => {
    const fake = sequence(
      page([], '10'),
      ok([watchEvent('ADDED', pod('a', 'ua', '11'))], { hang: true }),
      ok([watchEvent('ADDED', pod('b', 'ub', '12'))], { hang: true }),
    );
    const { obs, scheduler, log, clock } = setup(fake, { staleAfterMs: 45_000 });
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 2);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@11', 'ADDED b@12']);
    expect(log.restarts[0]![0]).to.equal('stale');
    expect(fake.calls[2]!.query.resourceVersion).to.equal('11');
    expect(clock.now()).to.be.within(45_000, 45_000 + 1000);
  });

  it('a request whose answer never comes is also presumed dead', async () => {
    const fake = sequence(hang(), page([], '3'), hang());
    const { obs, scheduler, log } = setup(fake, { staleAfterMs: 10_000 });
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 3);
    sub.unsubscribe();
    expect(log.restarts[0]![0]).to.equal('stale');
  });

  it('counts malformed lines and goes on', async () => {
    const fake = sequence(
      page([], '10'),
      ok([
        '{"type": "ADDED", "object": {',
        '[]',
        { type: 'SURPRISE', object: {} },
        watchEvent('ADDED', pod('a', 'ua', '11')),
      ]),
      hang(),
    );
    const { obs, scheduler, log } = setup(fake);
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 1);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED a@11']);
    expect(log.malformed).to.have.length(3);
    expect(log.malformed[0]).to.match(/^invalid JSON/);
    expect(log.malformed[2]).to.equal('unknown watch event type "SURPRISE"');
  });

  it('passes listed objects through acceptListed only (max_age), watched ones always', async () => {
    const fake = sequence(
      page([pod('old', 'u1', '5', { old: true }), pod('new', 'u2', '6')], '10'),
      ok([watchEvent('MODIFIED', pod('old', 'u1', '11', { old: true }))]),
      hang(),
    );
    const { obs, scheduler } = setup(fake, { acceptListed: (o) => !o.old });
    const { items, sub } = await drive(obs, scheduler, (i) => i.length >= 2);
    sub.unsubscribe();
    expect(summary(items)).to.deep.equal(['ADDED new@6', 'MODIFIED old@11']);
  });

  it('asks for metadata only when told to, and applies transform', async () => {
    const fake = sequence(
      page(
        [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', ...pod('a', 'ua', '1') }],
        '1',
      ),
      ok([], { hang: true }),
    );
    const { obs, scheduler } = setup(fake, {
      metadataOnly: true,
      resource: {
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        kind: 'Deployment',
        namespaced: true,
      },
      namespace: 'prod',
      transform: (o) => ({ ...o, transformed: true }),
    });
    const { items, sub } = await drive(obs, scheduler, () => fake.calls.length >= 2);
    sub.unsubscribe();
    expect(fake.calls[0]!.accept).to.equal(ACCEPT_METADATA_LIST);
    expect(fake.calls[1]!.accept).to.equal(ACCEPT_METADATA);
    expect(fake.calls[0]!.path).to.equal('/apis/apps/v1/namespaces/prod/deployments');
    expect(items[0]!.object).to.deep.include({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      transformed: true,
    });
  });

  it('reads an empty metadata list ("items": null) as empty', async () => {
    const fake = sequence(
      () => ({
        status: 200,
        headers: {},
        body: (async function* () {
          yield '{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":null}';
        })(),
      }),
      ok([], { hang: true }),
    );
    const { obs, scheduler, log } = setup(fake, { metadataOnly: true });
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 2);
    sub.unsubscribe();
    expect(log.malformed).to.deep.equal([]);
    expect(fake.calls[1]!.query.resourceVersion).to.equal('7');
  });

  it('bounds the dedupe table and counts evictions', async () => {
    const fake = sequence(
      page([pod('a', 'ua', '1'), pod('b', 'ub', '2'), pod('c', 'uc', '3')], '3'),
      ok([], { hang: true }),
    );
    const { obs, scheduler, log } = setup(fake, { dedupeCapacity: 2 });
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 2);
    sub.unsubscribe();
    expect(log.evicted).to.equal(1);
  });

  it('unsubscribing aborts the request in flight; an aborted signal completes the stream', async () => {
    let abortedSeen = false;
    const fake = sequence(page([], '1'), (req) => {
      req.signal.addEventListener('abort', () => (abortedSeen = true));
      return ok([], { hang: true })(req);
    });
    const { obs, scheduler } = setup(fake);
    const { sub } = await drive(obs, scheduler, () => fake.calls.length >= 2);
    await new Promise((r) => setImmediate(r));
    sub.unsubscribe();
    expect(abortedSeen).to.equal(true);

    const ac = new AbortController();
    const fake2 = sequence(page([], '1'), ok([], { hang: true }));
    const s2 = setup(fake2, { signal: ac.signal });
    const run = drive(s2.obs, s2.scheduler, () => false, 20);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    const { completed } = await run;
    expect(completed).to.equal(true);
  });

  it('errors on a configuration fault (no cluster) instead of retrying', async () => {
    const fake = sequence(() => {
      throw new KspanError('CONFIG_INVALID', 'kubeconfig: no current cluster');
    });
    const { obs, scheduler } = setup(fake);
    const { error } = await drive(obs, scheduler, () => false, 5);
    expect((error as Error).message).to.equal('kubeconfig: no current cluster');
  });
});
