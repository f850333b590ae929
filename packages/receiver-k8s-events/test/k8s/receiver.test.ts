import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  MetricsRegistry,
  type KubeObject,
  resolveComponentConfig,
  standaloneContext,
  type WatchEvent,
} from '@kspan/core';
import { k8sEventsReceiver, k8sEventsStream } from '../../src/k8s/receiver.js';
import type { EventsConfig } from '../../src/k8s/config.js';
import {
  drive,
  fail,
  fakeTransport,
  ok,
  page,
  status,
  virtualClock,
  watchEvent,
  type Answer,
} from './fake.js';
import type { TransportRequest } from '../../src/k8s/transport.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');

function coreEvent(
  name: string,
  ns: string,
  reason: string,
  at: number,
  type = 'Normal',
  kind = 'Pod',
) {
  return {
    metadata: { name, namespace: ns, uid: `u-${name}`, resourceVersion: `${name}-1` },
    involvedObject: { kind, name: 'p', namespace: ns },
    reason,
    type,
    message: reason,
    source: { component: 'kubelet' },
    lastTimestamp: iso(at),
  };
}

type ConfigInput = Omit<Partial<EventsConfig>, 'owners'> & {
  owners?: Partial<EventsConfig['owners']>;
};

function config(extra: ConfigInput = {}): EventsConfig {
  return resolveComponentConfig(k8sEventsReceiver, extra, 'receivers.k8s_events');
}

const KUBE_SYSTEM = 'GET /api/v1/namespaces/kube-system';
const kubeSystem = (uid: string) => ({
  kind: 'Namespace',
  apiVersion: 'v1',
  metadata: { name: 'kube-system', uid },
});

/** Routes by path + whether it is a watch: e.g. `GET /api/v1/events` or `WATCH /api/v1/events`. */
const route = (req: TransportRequest) => `${req.query.watch === '1' ? 'WATCH' : 'GET'} ${req.path}`;

type Health = Array<[boolean, string | undefined]>;
type Until = (i: WatchEvent[], health: Health, calls: TransportRequest[]) => boolean;

function run(cfg: EventsConfig, scripts: Record<string, Answer[]>, until: Until) {
  const { clock, scheduler } = virtualClock();
  scheduler.frame = NOW;
  const metrics = new MetricsRegistry();
  const health: Health = [];
  // The cluster uid is read first; a test that does not script it gets a kube-system namespace.
  const withUid = { [KUBE_SYSTEM]: [ok([kubeSystem('uid-test')])], ...scripts };
  const fake = fakeTransport(route, withUid, ok([], { hang: true }));
  const ctx = standaloneContext({
    id: 'k8s_events',
    clock,
    metrics: metrics.metricsFor('k8s_events'),
    health: { setReady: (r, why) => health.push([r, why]) },
  });
  const obs = k8sEventsStream(cfg, ctx, { transport: fake.transport, random: () => 1 });
  return {
    fake,
    metrics,
    health,
    result: drive(obs, scheduler, (i) => until(i, health, fake.calls)),
  };
}

describe('k8s_events receiver', () => {
  it('declares snake_case config with defaults', () => {
    const c = config();
    expect(k8sEventsReceiver.type).to.equal('k8s_events');
    expect(c.api).to.equal('core');
    expect(c.max_age).to.equal('5m');
    expect(c.owners.enabled).to.equal(true);
    expect(c.owners.kinds).to.deep.equal([
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
      'Pod',
      'Node',
      'HorizontalPodAutoscaler',
    ]);
    expect(c.watch).to.deep.include({ timeout: '30s', stale_after: '45s', page_size: 500 });
    expect(c.auth.in_cluster).to.equal(false);
  });

  it('rejects an unknown owner kind at validation, with its path, and create() refuses it too', () => {
    expect(() => config({ owners: { enabled: true, kinds: ['Deployment', 'Gadget'] } })).to.throw(
      /receivers\.k8s_events\.owners\.kinds\[1\]: unknown kind "Gadget"/,
    );
    // A config that skipped validation still fails before any I/O.
    const unchecked = config();
    unchecked.owners.kinds = ['Gadget'];
    expect(() => k8sEventsReceiver.create(unchecked, standaloneContext())).to.throw(
      /owners\.kinds\[0\]: unknown kind "Gadget"/,
    );
  });

  it('emits events and metadata-only owners in one stream; drops events older than max_age on start only', async () => {
    const { fake, metrics, health, result } = run(
      config({ owners: { enabled: true, kinds: ['Deployment'], status_kinds: [] } }),
      {
        'GET /apis/apps/v1/deployments': [
          page(
            [
              {
                kind: 'PartialObjectMetadata',
                apiVersion: 'meta.k8s.io/v1',
                metadata: {
                  name: 'web',
                  namespace: 'default',
                  uid: 'd1',
                  resourceVersion: '3',
                  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
                  managedFields: [
                    {
                      manager: 'kubectl',
                      operation: 'Update',
                      fieldsType: 'FieldsV1',
                      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
                    },
                  ],
                },
              },
            ],
            '10',
          ),
        ],
        'GET /api/v1/events': [
          page(
            [
              coreEvent('old', 'default', 'Pulled', -10 * 60_000),
              coreEvent('recent', 'default', 'Pulled', -60_000),
            ],
            '10',
          ),
        ],
        'WATCH /api/v1/events': [
          ok([watchEvent('ADDED', coreEvent('live', 'default', 'Scheduled', 0, 'Warning'))], {
            hang: true,
          }),
        ],
        'WATCH /apis/apps/v1/deployments': [ok([], { hang: true })],
      },
      (i) => i.length >= 3,
    );
    const { items, sub } = await result;
    sub.unsubscribe();
    const names = items.map((i) => `${i.type} ${i.object.kind} ${i.object.metadata?.name}`);
    expect(names).to.have.members([
      'ADDED Deployment web',
      'ADDED Event recent',
      'ADDED Event live',
    ]);
    const dep = items.find((i) => i.object.kind === 'Deployment')!;
    expect(dep.object.apiVersion).to.equal('apps/v1');
    expect(dep.object.metadata?.annotations).to.equal(undefined);
    expect(dep.object.metadata?.managedFields).to.deep.equal([
      {
        manager: 'kubectl',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': {} },
      },
    ]);
    expect(fake.calls.find((c) => c.path.includes('deployments'))!.accept).to.contain(
      'as=PartialObjectMetadataList',
    );
    expect(fake.calls.find((c) => c.path.includes('events'))!.accept).to.equal('application/json');
    expect(await metrics.value('events_dropped_total', { reason: 'max_age' })).to.equal(1);
    expect(
      await metrics.value('events_received_total', { type: 'Warning', reason: 'Scheduled' }),
    ).to.equal(1);
    expect(await metrics.value('owners_received_total', { kind: 'Deployment' })).to.equal(1);
    expect(
      await metrics.value('watch_relists_total', { resource: 'events', cause: 'initial' }),
    ).to.equal(1);
    expect(await metrics.value('last_event_age_seconds', { watch: 'events' })).to.equal(0);
    expect(health[0]![0]).to.equal(false);
    expect(health[health.length - 1]).to.deep.equal([true, undefined]);
  });

  it('applies namespace filters server-side and client-side, and type/reason/kind filters', async () => {
    const { fake, metrics, result } = run(
      config({
        owners: { enabled: true, kinds: ['Pod', 'Node'] },
        namespaces: ['a', 'b'],
        exclude_namespaces: ['b'],
        reasons: ['Scheduled', 'Killing'],
        event_types: ['Normal'],
        involved_kinds: ['Pod'],
      }),
      {
        'GET /api/v1/namespaces/a/events': [
          page(
            [
              coreEvent('keep', 'a', 'Scheduled', 0),
              coreEvent('reason', 'a', 'Pulled', 0),
              coreEvent('type', 'a', 'Killing', 0, 'Warning'),
              coreEvent('kind', 'a', 'Killing', 0, 'Normal', 'Node'),
            ],
            '1',
          ),
        ],
        'GET /api/v1/namespaces/b/events': [
          page([coreEvent('excluded', 'b', 'Scheduled', 0)], '1'),
        ],
      },
      (_i, _h, calls) => calls.filter((c) => c.query.watch === '1').length >= 5,
    );
    const { items, sub } = await result;
    sub.unsubscribe();
    expect(
      items.filter((i) => i.object.kind === 'Event').map((i) => i.object.metadata?.name),
    ).to.deep.equal(['keep']);
    const paths = new Set(fake.calls.map((c) => c.path));
    expect([...paths].sort()).to.deep.equal([
      '/api/v1/namespaces/a/events',
      '/api/v1/namespaces/a/pods',
      '/api/v1/namespaces/b/events',
      '/api/v1/namespaces/b/pods',
      '/api/v1/namespaces/kube-system',
      '/api/v1/nodes',
    ]);
    const evList = fake.calls.find((c) => c.path === '/api/v1/namespaces/a/events')!;
    expect(evList.query.fieldSelector).to.equal('metadata.namespace!=b');
    expect(fake.calls.find((c) => c.path === '/api/v1/nodes')!.query.fieldSelector).to.equal(
      undefined,
    );
    expect(await metrics.value('events_dropped_total', { reason: 'reason' })).to.equal(1);
    expect(await metrics.value('events_dropped_total', { reason: 'event_type' })).to.equal(1);
    expect(await metrics.value('events_dropped_total', { reason: 'involved_kind' })).to.equal(1);
    expect(await metrics.value('events_dropped_total', { reason: 'namespace' })).to.equal(1);
  });

  it('normalises events.k8s.io/v1 to the core/v1 shape', async () => {
    const { result } = run(
      config({ api: 'events', owners: { enabled: false, kinds: [] } }),
      {
        'GET /apis/events.k8s.io/v1/events': [
          page(
            [
              {
                metadata: { name: 'e', namespace: 'default', uid: 'ue', resourceVersion: '1' },
                eventTime: iso(0).replace('Z', '.000000Z'),
                reason: 'Scheduled',
                note: 'assigned',
                regarding: { kind: 'Pod', name: 'p' },
                reportingController: 'default-scheduler',
                type: 'Normal',
              },
            ],
            '1',
          ),
        ],
      },
      (i) => i.length >= 1,
    );
    const { items, sub } = await result;
    sub.unsubscribe();
    expect(items[0]!.object).to.deep.include({
      apiVersion: 'v1',
      kind: 'Event',
      message: 'assigned',
      reportingComponent: 'default-scheduler',
      involvedObject: { kind: 'Pod', name: 'p' },
    });
  });

  describe('owners.status_kinds (objects with status)', () => {
    const FULL = (
      JSON.parse(
        readFileSync(new URL('./fixtures/full-objects.json', import.meta.url), 'utf8'),
      ) as { items: KubeObject[] }
    ).items;
    const fullPod = () =>
      structuredClone(FULL.find((o) => o.kind === 'Pod' && o.metadata?.name?.startsWith('web-'))!);
    const fullDeployment = () => structuredClone(FULL.find((o) => o.kind === 'Deployment')!);

    it('defaults to the top-level kinds, Pods and HPAs; rejects an unknown kind with its path', () => {
      expect(config().owners.status_kinds).to.deep.equal([
        'Deployment',
        'StatefulSet',
        'DaemonSet',
        'Job',
        'CronJob',
        'Pod',
        'HorizontalPodAutoscaler',
      ]);
      expect(() => config({ owners: { status_kinds: ['Pod', 'Gizmo'] } })).to.throw(
        /receivers\.k8s_events\.owners\.status_kinds\[1\]: unknown kind "Gizmo"/,
      );
      // A well-known kind not in `kinds` is no problem (not watched at all).
      expect(() => config({ owners: { kinds: ['Pod'] } })).to.not.throw();
    });

    it('lists and watches those kinds whole, shrinks them, and does not re-emit an unchanged one', async () => {
      const pod = fullPod() as any;
      const rv = Number(pod.metadata.resourceVersion);
      // kwok rewrites status with nothing we keep changed: a new resourceVersion, managedFields time.
      const rewritten = structuredClone(pod);
      rewritten.metadata.resourceVersion = String(rv + 1);
      rewritten.metadata.managedFields[1].time = '2030-01-01T00:00:00Z';
      rewritten.status.podIP = '10.0.0.99';
      const notReady = structuredClone(rewritten);
      notReady.metadata.resourceVersion = String(rv + 2);
      notReady.status.conditions.find((c: any) => c.type === 'Ready').status = 'False';
      const { fake, metrics, result } = run(
        config({ owners: { kinds: ['Deployment', 'ReplicaSet', 'Pod'] } }),
        {
          'GET /apis/apps/v1/deployments': [page([fullDeployment()], '10')],
          'GET /apis/apps/v1/replicasets': [page([], '10')],
          'GET /api/v1/pods': [page([pod], '10')],
          'WATCH /api/v1/pods': [
            ok([watchEvent('MODIFIED', rewritten), watchEvent('MODIFIED', notReady)], {
              hang: true,
            }),
          ],
          'GET /api/v1/events': [page([], '10')],
        },
        (i) => i.length >= 3,
      );
      const { items, sub } = await result;
      sub.unsubscribe();
      expect(
        items.map((i) => `${i.type} ${i.object.kind} ${i.object.metadata?.resourceVersion}`),
      ).to.have.members([
        `ADDED Deployment ${fullDeployment().metadata!.resourceVersion}`,
        `ADDED Pod ${rv}`,
        `MODIFIED Pod ${rv + 2}`,
      ]);
      const accept = (p: string) => fake.calls.find((c) => c.path === p)!.accept;
      expect(accept('/apis/apps/v1/deployments')).to.equal('application/json');
      expect(accept('/api/v1/pods')).to.equal('application/json');
      expect(accept('/apis/apps/v1/replicasets')).to.contain('as=PartialObjectMetadataList');
      const dep = items.find((i) => i.object.kind === 'Deployment')!.object as any;
      expect(dep.spec).to.deep.equal((fullDeployment() as any).spec);
      expect(dep.status.conditions.length).to.equal(2);
      const last = items.find((i) => i.type === 'MODIFIED')!.object as any;
      expect(last).to.not.have.property('spec');
      expect(last.status.conditions.find((c: any) => c.type === 'Ready').status).to.equal('False');
      expect(await metrics.value('watch_unchanged_total', { resource: 'pods' })).to.equal(1);
    });

    it('[] keeps every owner kind metadata only', async () => {
      const { fake, result } = run(
        config({ owners: { kinds: ['Pod'], status_kinds: [] } }),
        { 'GET /api/v1/pods': [page([fullPod()], '10')], 'GET /api/v1/events': [page([], '1')] },
        (i) => i.length >= 1,
      );
      const { items, sub } = await result;
      sub.unsubscribe();
      expect(fake.calls.find((c) => c.path === '/api/v1/pods')!.accept).to.contain(
        'as=PartialObjectMetadataList',
      );
      expect(items[0]!.object).to.not.have.any.keys('spec', 'status');
    });
  });

  it('watches many namespaces without a listener-leak warning: the watches share a stop signal sized to them', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      // 3 namespaces × (events + 3 owner kinds): 12 watches, each listening for the stop.
      const { result } = run(
        config({
          owners: { enabled: true, kinds: ['Pod', 'Deployment', 'ReplicaSet'] },
          namespaces: ['a', 'b', 'c'],
        }),
        {},
        (_i, _h, calls) => new Set(calls.map((c) => c.path)).size >= 13,
      );
      const { sub } = await result;
      // Node reports the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      sub.unsubscribe();
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).to.deep.equal([]);
  });

  it('is not ready while any watch is refused, with the reason, and ready once all are live', async () => {
    const { health, metrics, result } = run(
      config({ owners: { enabled: true, kinds: ['Pod'] } }),
      {
        'GET /api/v1/pods': [
          status(403, 'pods is forbidden: User "kspan" cannot list resource "pods"'),
          page([], '1'),
        ],
        'GET /api/v1/events': [page([], '1')],
      },
      (_i, h) => h.length > 2 && h[h.length - 1]![0],
    );
    const { sub } = await result;
    sub.unsubscribe();
    const refused = health.find(([r, why]) => !r && why?.includes('forbidden'));
    expect(refused?.[1]).to.match(/^pods: HTTP 403: pods is forbidden/);
    expect(health[health.length - 1]).to.deep.equal([true, undefined]);
    expect(
      await metrics.value('watch_restarts_total', { resource: 'pods', cause: 'forbidden' }),
    ).to.equal(1);
  });

  it('is not ready from creation until its watches have listed: not while it reads the cluster identity', async () => {
    const { fake, health, result } = run(
      config({ owners: { enabled: true, kinds: ['Deployment'] } }),
      {
        [KUBE_SYSTEM]: [status(503, 'starting'), status(503, 'starting'), ok([kubeSystem('u')])],
        'GET /apis/apps/v1/deployments': [page([], '1')],
        'GET /api/v1/events': [page([], '1')],
      },
      (_i, h) => h.length > 0 && h[h.length - 1]![0],
    );
    // Reported before anything was asked of the API server (the service counts a component
    // that has not reported as ready: /readyz said 200 while no watch existed yet).
    expect(health[0]).to.deep.equal([false, 'starting: reading the cluster identity']);
    const { sub } = await result;
    sub.unsubscribe();
    const ready = health.findIndex(([r]) => r);
    const listed = (path: string) => fake.calls.findIndex((c) => c.path === path);
    expect(listed('/apis/apps/v1/deployments')).to.be.greaterThan(2);
    expect(health.slice(0, ready).every(([r]) => !r)).to.equal(true);
    expect(health[ready]).to.deep.equal([true, undefined]);
  });

  describe('cluster identity (k8s.cluster.name, k8s.cluster.uid)', () => {
    // a fresh script each time: answers are consumed
    const events = () => ({
      'GET /api/v1/events': [page([coreEvent('e1', 'default', 'Pulled', 0)], '1')],
    });
    const cfg = (cluster_name = 'east') =>
      config({ cluster_name, owners: { enabled: false, kinds: [] } });

    it('reads the kube-system uid once, before any watch, and puts name and uid on every item', async () => {
      const { fake, result } = run(
        cfg(),
        { ...events(), [KUBE_SYSTEM]: [ok([kubeSystem('ks-uid-1')])] },
        (i) => i.length >= 1,
      );
      const { items, sub } = await result;
      sub.unsubscribe();
      expect(items.map((i) => i.cluster)).to.deep.equal([{ name: 'east', uid: 'ks-uid-1' }]);
      expect(fake.calls[0]!.path).to.equal('/api/v1/namespaces/kube-system');
      expect(fake.calls.filter((c) => c.path.endsWith('kube-system'))).to.have.length(1);
    });

    it('retries a failure that may pass (503, connection refused) before any watch starts', async () => {
      const { fake, result } = run(
        cfg(),
        {
          ...events(),
          [KUBE_SYSTEM]: [status(503, 'starting'), fail('ECONNREFUSED'), ok([kubeSystem('ks-2')])],
        },
        (i) => i.length >= 1,
      );
      const { items, sub } = await result;
      sub.unsubscribe();
      expect(items[0]!.cluster).to.deep.equal({ name: 'east', uid: 'ks-2' });
      expect(fake.calls.slice(0, 3).map((c) => c.path)).to.deep.equal(
        Array(3).fill('/api/v1/namespaces/kube-system'),
      );
    });

    it('goes on with the name only when reading the namespace is refused (403), and with nothing when neither is known', async () => {
      const refused = run(
        cfg(),
        { ...events(), [KUBE_SYSTEM]: [status(403, 'namespaces "kube-system" is forbidden')] },
        (i) => i.length >= 1,
      );
      const a = await refused.result;
      a.sub.unsubscribe();
      expect(a.items[0]!.cluster).to.deep.equal({ name: 'east' });
      const none = run(
        cfg(''),
        { ...events(), [KUBE_SYSTEM]: [status(404, 'not found')] },
        (i) => i.length >= 1,
      );
      const b = await none.result;
      b.sub.unsubscribe();
      expect(b.items[0]!).to.not.have.property('cluster');
    });
  });
});
