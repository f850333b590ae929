// End-to-end tests of the k8s_events receiver against the real control plane of the e2e environment
// (etcd, kube-apiserver, controller-manager, scheduler, kwok), started by `pnpm e2e:up`.
// Nothing is mocked: the one wrapper (gatedTransport) only cuts the real connection on demand.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { lastValueFrom, toArray, type Observable, type OperatorFunction } from 'rxjs';
import { standaloneContext, type WatchEvent } from '@kspan/core';
import {
  captureTo,
  k8sCaptureReceiver,
  parseCapture,
} from '../../packages/receiver-k8s-events/src/index.js';
import {
  REPO,
  assertClusterReady,
  compactEtcd,
  createIdlePods,
  createNamespace,
  deleteNamespace,
  duplicates,
  e2eEnv,
  eventsIn,
  gatedTransport,
  kubectl,
  objectsIn,
  receivedEvents,
  restartPeer,
  startReceiver,
  waitFor,
  type LiveReceiver,
} from './receiver-k8s-events.support.js';

/** The figure stated in packages/receiver-k8s-events/README.md (heap growth with 5,000 pods watched). */
const MEMORY_BUDGET_MB = 16;

const keys = (items: WatchEvent[]) =>
  new Set(items.map((i) => `${i.object.metadata?.uid}@${i.object.metadata?.resourceVersion}`));

describe('receiver k8s_events (live, e2e)', function () {
  this.timeout(300_000);
  const namespaces: string[] = [];
  const receivers: LiveReceiver[] = [];
  let dir: string;

  before(() => {
    e2eEnv(); // fails with a clear message when the environment is not up
    assertClusterReady();
    dir = mkdtempSync(join(tmpdir(), 'kspan-e2e-rx-'));
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });
  after(() => {
    for (const ns of namespaces) deleteNamespace(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function ns(prefix: string): string {
    const n = createNamespace(prefix);
    namespaces.push(n);
    return n;
  }
  function receiver(...args: Parameters<typeof startReceiver>): LiveReceiver {
    const r = startReceiver(...args);
    receivers.push(r);
    return r;
  }
  const ready = (r: LiveReceiver, timeout = 60_000) =>
    waitFor(
      'receiver ready',
      () => r.ready(),
      timeout,
      () => `last reason: ${r.readyReason()}`,
    );

  /** Waits until every Event the API server holds in `nss` was received in its current version. */
  async function allEventsReceived(r: LiveReceiver, nss: string[], timeout = 90_000) {
    let missing: string[] = [];
    await waitFor(
      `every Event of ${nss.join(', ')} received`,
      () => {
        const got = keys(receivedEvents(r.items, nss));
        missing = eventsIn(...nss)
          .filter((e) => !got.has(`${e.uid}@${e.rv}`))
          .map((e) => `${e.namespace}/${e.name} ${e.reason} rv=${e.rv}`);
        return missing.length === 0;
      },
      timeout,
      () => `missing: ${missing.slice(0, 10).join('; ')}`,
    );
  }

  // Live spans of the rollout, kept for the replay comparison below.
  let rollout: { capture: string; liveSpans?: string[]; processorError?: string } | undefined;

  it('a Deployment rollout arrives as events plus owner objects (ReplicaSets metadata only, Deployments and Pods with status), and kspan capture records exactly that stream', async () => {
    const n = ns('kspan-rx-rollout');
    const capture = join(dir, 'rollout.ndjson');
    // The causality processor, if it is usable: the live run's spans (loaded before the receiver
    // starts, so that it sees the stream from its first item).
    let op: OperatorFunction<WatchEvent, unknown> | undefined;
    let processorError: string | undefined;
    try {
      op = await causality();
    } catch (err) {
      processorError = (err as Error).message;
    }
    const r = receiver({ namespaces: [n] });
    const captured = captureTo(r.stream, capture);
    const liveSpans = op ? spanTree(r.stream, op) : undefined;
    await ready(r);

    kubectl(['-n', n, 'create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    kubectl(['-n', n, 'set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    await allEventsReceived(r, [n]);

    const deployment = objectsIn('deployment', n)[0]!;
    const replicaSets = objectsIn('replicaset', n);
    await waitFor(
      'Deployment, both ReplicaSets and the Pods as owner objects',
      () => {
        const uids = new Set(r.items.map((i) => i.object.metadata?.uid));
        return (
          uids.has(deployment.uid) &&
          replicaSets.every((rs) => uids.has(rs.uid)) &&
          r.items.filter((i) => i.object.kind === 'Pod').length >= 4
        );
      },
      30_000,
    );
    await new Promise((res) => setTimeout(res, 3000)); // let the tail of the rollout arrive
    await r.stop();
    const result = await captured;

    const events = receivedEvents(r.items);
    const reasons = new Set(events.map((e) => e.object.reason));
    for (const reason of ['ScalingReplicaSet', 'SuccessfulCreate', 'Scheduled', 'SuccessfulDelete'])
      expect(reasons, `reasons received: ${[...reasons].join(', ')}`).to.include(reason);
    expect(
      events.every(
        (e) => typeof e.observedAt === 'string' && !Number.isNaN(Date.parse(e.observedAt)),
      ),
    ).to.equal(true);

    const dep = r.items.find((i) => i.object.metadata?.uid === deployment.uid)!;
    // A default status kind: spec and status kept (receiver-k8s-events-status.test.ts checks them;
    // the first version, just created, has an empty status, which is left out).
    expect(dep.object).to.include.keys(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(
      r.items.some((i) => i.object.metadata?.uid === deployment.uid && i.object.status),
    ).to.equal(true);
    expect(dep.object.apiVersion).to.equal('apps/v1');
    const specWriters = (dep.object.metadata?.managedFields ?? []).filter(
      (f) => f.fieldsV1 && 'f:spec' in f.fieldsV1,
    );
    expect(specWriters.map((f) => f.manager)).to.include('kubectl-create');
    for (const f of dep.object.metadata?.managedFields ?? [])
      if (f.fieldsV1) expect(f.fieldsV1).to.deep.equal({ 'f:spec': {} });
    const rsItems = r.items.filter((i) => i.object.kind === 'ReplicaSet');
    for (const i of rsItems) expect(i.object).to.have.keys(['apiVersion', 'kind', 'metadata']); // metadata only
    expect(
      rsItems.every((i) => i.object.metadata?.ownerReferences?.[0]?.uid === deployment.uid),
    ).to.equal(true);
    const rsUids = new Set(replicaSets.map((rs) => rs.uid));
    const podItems = r.items.filter((i) => i.object.kind === 'Pod');
    expect(
      podItems.every((i) => rsUids.has(i.object.metadata?.ownerReferences?.[0]?.uid ?? '')),
    ).to.equal(true);
    expect(r.items.some((i) => i.object.kind === 'Node')).to.equal(true);
    expect(duplicates(r.items)).to.deep.equal([]);

    // The capture is exactly the stream.
    const parsed = parseCapture(readFileSync(capture, 'utf8'));
    expect(parsed.problems).to.deep.equal([]);
    expect(result.items).to.equal(r.items.length);
    expect(parsed.items).to.deep.equal(r.items);

    rollout = {
      capture,
      ...(liveSpans ? { liveSpans: await liveSpans } : {}),
      ...(processorError ? { processorError } : {}),
    };
  });

  it('the capture of that rollout replays to the same trace tree as the live run', async function () {
    if (!rollout) throw new Error('depends on the rollout test above, which failed');
    if (rollout.processorError)
      throw new Error(`@kspan/processor-causality is not usable: ${rollout.processorError}`);
    const replayed = await spanTree(
      k8sCaptureReceiver.create({ path: rollout.capture, speed: 0 }, standaloneContext()),
      await causality(),
    );
    expect(rollout.liveSpans!.length).to.be.greaterThan(5);
    expect(replayed).to.deep.equal(rollout.liveSpans);
  });

  it('the API server is restarted mid-stream: the watch resumes, nothing is lost, nothing is emitted twice', async () => {
    const n = ns('kspan-rx-restart');
    const r = receiver({ namespaces: [n], owners: { kinds: ['Pod', 'ReplicaSet'] } });
    await ready(r);
    kubectl(['-n', n, 'create', 'deployment', 'before', '--image=nginx', '--replicas=3']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/before', '--timeout=120s']);
    await allEventsReceived(r, [n]);
    const beforeRestart = r.items.length;

    restartPeer('kube-apiserver');

    kubectl(['-n', n, 'create', 'deployment', 'after', '--image=nginx', '--replicas=3']);
    kubectl(['-n', n, 'scale', 'deployment/before', '--replicas=5']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/after', '--timeout=120s']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/before', '--timeout=120s']);
    await allEventsReceived(r, [n]);
    await ready(r);
    let missingPods: string[] = [];
    await waitFor(
      'every Pod in its current version',
      () => {
        const got = keys(r.items);
        missingPods = objectsIn('pod', n)
          .filter((p) => !got.has(`${p.uid}@${p.rv}`))
          .map((p) => p.name);
        return missingPods.length === 0;
      },
      60_000,
      () => `missing: ${missingPods.join(', ')}`,
    );

    expect(r.items.length).to.be.greaterThan(beforeRestart);
    expect(duplicates(r.items)).to.deep.equal([]);
    const restarts =
      (await r.metric('watch_restarts_total', { resource: `events@${n}` })) +
      (await r.metric('watch_restarts_total', { resource: `pods@${n}` }));
    expect(restarts).to.be.greaterThan(0);
  });

  it('the resourceVersion is compacted away while the receiver is disconnected: one relist, no duplicates', async () => {
    const n = ns('kspan-rx-compact');
    const gate = gatedTransport();
    const r = receiver(
      { namespaces: [n], owners: { kinds: ['Pod'] }, watch: { backoff_max: '5s' } },
      { transport: gate },
    );
    await ready(r);
    kubectl(['-n', n, 'create', 'deployment', 'one', '--image=nginx', '--replicas=2']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/one', '--timeout=120s']);
    await allEventsReceived(r, [n]);

    // The resourceVersions the receiver got to (at least): the lists' versions now.
    const listRv = (resource: string) =>
      (
        JSON.parse(kubectl(['get', '--raw', `/api/v1/namespaces/${n}/${resource}?limit=1`])) as {
          metadata: { resourceVersion: string };
        }
      ).metadata.resourceVersion;
    const before = { events: listRv('events'), pods: listRv('pods') };
    gate.close();
    await waitFor('not ready while disconnected', () => !r.ready(), 30_000);
    kubectl(['-n', n, 'create', 'deployment', 'two', '--image=nginx', '--replicas=2']);
    kubectl(['-n', n, 'scale', 'deployment/one', '--replicas=3']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/two', '--timeout=120s']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/one', '--timeout=120s']);
    compactEtcd();
    // etcd no longer has the old revisions, but the API server's watch cache may still serve a
    // watch from them out of its own window (it did for pods, not for events, in 1.34). Restarting
    // the API server rebuilds the cache from etcd as it is now: then the old versions are gone
    // everywhere, as after a long disconnection.
    restartPeer('kube-apiserver');
    const expired = (resource: 'events' | 'pods') =>
      kubectl([
        'get',
        '--raw',
        `/api/v1/namespaces/${n}/${resource}?watch=1&timeoutSeconds=1&resourceVersion=${before[resource]}`,
      ]).includes('"code":410');
    expect(expired('events'), 'events watch from the old resourceVersion answers 410').to.equal(
      true,
    );
    expect(expired('pods'), 'pods watch from the old resourceVersion answers 410').to.equal(true);
    gate.open();

    await ready(r, 90_000);
    await allEventsReceived(r, [n]);
    if (process.env.KSPAN_E2E_DEBUG) console.log(r.logs.join('\n'));
    expect(
      await r.metric('watch_relists_total', { resource: `events@${n}`, cause: 'gone' }),
    ).to.equal(1);
    expect(
      await r.metric('watch_relists_total', { resource: `pods@${n}`, cause: 'gone' }),
    ).to.equal(1);
    expect(duplicates(r.items)).to.deep.equal([]);
  });

  it('credentials that are later denied (RBAC removed): not ready with the reason, and recovers when access returns', async () => {
    const n = ns('kspan-rx-rbac');
    kubectl(['-n', n, 'create', 'serviceaccount', 'kspan']);
    kubectl([
      '-n',
      n,
      'create',
      'role',
      'kspan',
      '--verb=get,list,watch',
      '--resource=events,pods',
    ]);
    const bind = () =>
      kubectl([
        '-n',
        n,
        'create',
        'rolebinding',
        'kspan',
        '--role=kspan',
        `--serviceaccount=${n}:kspan`,
      ]);
    bind();
    const token = kubectl(['-n', n, 'create', 'token', 'kspan', '--duration=1h']).trim();
    const admin = JSON.parse(kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])) as {
      clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
    };
    const kubeconfig = join(dir, 'kspan-sa.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'e2e', cluster: admin.clusters[0]!.cluster }],
        users: [{ name: 'kspan', user: { token } }],
        contexts: [{ name: 'kspan', context: { cluster: 'e2e', user: 'kspan', namespace: n } }],
        'current-context': 'kspan',
      }),
    );
    const r = receiver(
      {
        namespaces: [n],
        owners: { kinds: ['Pod'] },
        watch: { timeout: '10s', stale_after: '20s', backoff_max: '5s' },
      },
      { kubeconfig },
    );
    await ready(r);

    kubectl(['-n', n, 'delete', 'rolebinding', 'kspan']);
    await waitFor(
      'not ready: forbidden',
      () => !r.ready() && /forbidden/.test(r.readyReason() ?? ''),
      90_000,
      () => `readiness: ${JSON.stringify(r.readiness.slice(-3))}`,
    );
    expect(await r.metric('watch_restarts_total', { cause: 'forbidden' })).to.be.greaterThan(0);

    bind();
    await ready(r, 90_000);
    kubectl(['-n', n, 'create', 'deployment', 'back', '--image=nginx', '--replicas=1']);
    await waitFor(
      'a Scheduled event after access returned',
      () => receivedEvents(r.items, [n]).some((e) => e.object.reason === 'Scheduled'),
      60_000,
    );
  });

  it('a namespace filter and a reason filter each drop what they should and nothing else', async () => {
    const a = ns('kspan-rx-a');
    const b = ns('kspan-rx-b');
    const onlyA = receiver({ namespaces: [a], owners: { enabled: false } });
    const notB = receiver({ exclude_namespaces: [b], owners: { enabled: false } });
    const scheduled = receiver({
      namespaces: [a, b],
      reasons: ['Scheduled'],
      owners: { enabled: false },
    });
    await Promise.all([ready(onlyA), ready(notB), ready(scheduled)]);
    for (const n of [a, b])
      kubectl(['-n', n, 'create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    for (const n of [a, b])
      kubectl(['-n', n, 'rollout', 'status', 'deployment/web', '--timeout=120s']);

    const sameSet = async (r: LiveReceiver, expected: () => Set<string>, what: string) => {
      let diff = '';
      await waitFor(
        what,
        () => {
          const want = expected();
          const got = keys(receivedEvents(r.items, [a, b]));
          const missing = [...want].filter((k) => !got.has(k));
          const extra = [...got].filter((k) => !want.has(k));
          diff = `missing ${missing.length}, extra ${extra.length}`;
          return missing.length === 0 && extra.length === 0;
        },
        60_000,
        () => diff,
      );
    };
    const truth = () => eventsIn(a, b);
    const set = (es: ReturnType<typeof eventsIn>) => new Set(es.map((e) => `${e.uid}@${e.rv}`));
    await sameSet(
      onlyA,
      () => set(truth().filter((e) => e.namespace === a)),
      'namespaces: [a] = exactly the events of a',
    );
    await sameSet(
      notB,
      () => set(truth().filter((e) => e.namespace === a)),
      'exclude_namespaces: [b] = events of a, none of b',
    );
    await sameSet(
      scheduled,
      () => set(truth().filter((e) => e.reason === 'Scheduled')),
      'reasons: [Scheduled] = exactly the Scheduled events of a and b',
    );
    expect(receivedEvents(scheduled.items, [a, b]).length).to.equal(4);
    expect(await scheduled.metric('events_dropped_total', { reason: 'reason' })).to.be.greaterThan(
      0,
    );
    expect(receivedEvents(onlyA.items).every((e) => e.object.metadata?.namespace === a)).to.equal(
      true,
    );
  });

  it(`memory after watching 5,000 pods stays within ${MEMORY_BUDGET_MB} MB of heap growth`, async function () {
    const n = ns('kspan-rx-mem');
    const existing = JSON.parse(kubectl(['get', 'pods', '-A', '-o', 'json'])) as {
      items: unknown[];
    };
    await createIdlePods(n, 5000);
    const expected = existing.items.length + 5000;
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(REPO, 'e2e', 'test', 'receiver-k8s-events.memory-probe.ts'),
        e2eEnv().KUBECONFIG,
        String(expected),
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 290_000 },
    );
    const figures = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    console.log(`      memory probe: ${JSON.stringify(figures)}`);
    expect(figures.pods).to.be.at.least(expected);
    expect(figures.heapDeltaMB).to.be.below(MEMORY_BUDGET_MB);
  });
});

/** The causality processor from this repository, with its default config. */
async function causality(): Promise<OperatorFunction<WatchEvent, unknown>> {
  const spec = '../../packages/processor-causality/src/index.js'; // another package: not type-checked here
  const mod = (await import(spec)) as Record<string, unknown>;
  const factory = mod.causalityProcessor as
    | {
        configSchema: Parameters<typeof Value.Default>[0];
        create: (c: unknown, ctx: unknown) => OperatorFunction<WatchEvent, unknown>;
      }
    | undefined;
  if (!factory) throw new Error('packages/processor-causality exports no causalityProcessor');
  return factory.create(
    Value.Default(factory.configSchema, {}),
    standaloneContext({ id: 'causality' }),
  );
}

/** One line per span: trace, span, parent and name, sorted: equal trees give equal lists. */
async function spanTree(
  items: Observable<WatchEvent>,
  op: OperatorFunction<WatchEvent, unknown>,
): Promise<string[]> {
  const spans = await lastValueFrom(items.pipe(op, toArray()));
  return spans
    .map((s) => {
      const span = s as {
        name: string;
        spanContext(): { traceId: string; spanId: string };
        parentSpanContext?: { spanId: string };
        parentSpanId?: string;
      };
      const c = span.spanContext();
      return `${c.traceId} ${c.spanId} ${span.parentSpanContext?.spanId ?? span.parentSpanId ?? '-'} ${span.name}`;
    })
    .sort();
}
