// End-to-end test of owners.status_kinds (issue 11): the live k8s_events receiver, against the real
// API server of the e2e environment, emits Deployments and Pods with the status the API server has,
// shrunk by objectWithStatus. Ground truth is `kubectl get -o json` of the same objects.
import { expect } from 'chai';
import type { KubeObject, WatchEvent } from '@kspan/core';
import { objectWithStatus } from '../../packages/receiver-k8s-events/src/index.js';
import {
  assertClusterReady,
  createNamespace,
  deleteNamespace,
  e2eEnv,
  kubectl,
  startReceiver,
  waitFor,
  type LiveReceiver,
} from './receiver-k8s-events.support.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
}
type WithStatus = KubeObject & {
  spec?: Record<string, unknown>;
  status?: { conditions?: Condition[]; observedGeneration?: number; [k: string]: unknown };
};

const list = (ns: string, kind: string): WithStatus[] =>
  (JSON.parse(kubectl(['-n', ns, 'get', kind, '-o', 'json'])) as { items: WithStatus[] }).items;

/** The last item the receiver emitted for each uid. */
function lastByUid(items: WatchEvent[]): Map<string, WatchEvent> {
  const last = new Map<string, WatchEvent>();
  for (const i of items) last.set(i.object.metadata?.uid ?? '', i);
  return last;
}

const condition = (o: WithStatus | undefined, type: string) =>
  o?.status?.conditions?.find((c) => c.type === type);

describe('receiver k8s_events with status (live, e2e)', function () {
  this.timeout(300_000);
  let ns: string | undefined;
  let r: LiveReceiver | undefined;

  before(() => {
    e2eEnv();
    assertClusterReady();
  });
  after(async () => {
    await r?.stop();
    if (ns) deleteNamespace(ns);
  });

  it('a Deployment rollout: Deployments with status.conditions, Pods with the Ready transition the API server has', async () => {
    ns = createNamespace('h16-status-rx');
    const n = ns;
    r = startReceiver({ namespaces: [n] }); // owners.status_kinds at its default
    const live = r;
    await waitFor(
      'receiver ready',
      () => live.ready(),
      60_000,
      () => `${live.readyReason()}`,
    );

    kubectl([
      '-n',
      n,
      'create',
      'deployment',
      'web',
      '--image=registry.local/app:1',
      '--replicas=2',
    ]);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    kubectl(['-n', n, 'set', 'image', 'deployment/web', 'app=registry.local/app:2']);
    kubectl(['-n', n, 'rollout', 'status', 'deployment/web', '--timeout=120s']);

    // Until the receiver's last version of every live Pod and of the Deployment is what the API
    // server now has, shrunk the same way (a status write still in flight is waited for).
    let diff = '';
    await waitFor(
      'the last Deployment and Pods emitted equal the API server objects, shrunk',
      () => {
        const last = lastByUid(live.items);
        const truth = [...list(n, 'deployment'), ...list(n, 'pod')];
        const stale = truth.filter((o) => {
          const got = last.get(o.metadata?.uid ?? '')?.object as WithStatus | undefined;
          const want = objectWithStatus(o) as WithStatus;
          return JSON.stringify(got?.status) !== JSON.stringify(want.status);
        });
        diff = stale.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ');
        return truth.length === 3 && stale.length === 0;
      },
      60_000,
      () => `not yet equal: ${diff}`,
    );

    const last = lastByUid(live.items);
    const [deployment] = list(n, 'deployment');
    const gotDep = last.get(deployment!.metadata!.uid!)!.object as WithStatus;
    expect(gotDep.metadata?.generation).to.equal(2);
    expect(gotDep.status?.observedGeneration).to.equal(2);
    const progressing = condition(gotDep, 'Progressing');
    expect(progressing?.reason).to.equal('NewReplicaSetAvailable');
    expect(progressing).to.deep.equal(
      objectWithStatus(deployment!).status &&
        condition(objectWithStatus(deployment!) as WithStatus, 'Progressing'),
    );
    expect(condition(gotDep, 'Available')?.status).to.equal('True');
    expect((gotDep.spec as { replicas?: number }).replicas).to.equal(2);

    const pods = list(n, 'pod');
    expect(pods).to.have.length(2);
    for (const pod of pods) {
      const got = last.get(pod.metadata!.uid!)!.object as WithStatus;
      const ready = condition(got, 'Ready');
      expect(ready?.status, pod.metadata?.name).to.equal('True');
      expect(ready?.lastTransitionTime, pod.metadata?.name).to.equal(
        condition(pod, 'Ready')?.lastTransitionTime,
      );
      expect(got).to.not.have.property('spec');
    }
    // Every Pod emitted (old and new) carried a status; ReplicaSets stayed metadata only.
    const podItems = live.items.filter((i) => i.object.kind === 'Pod' && i.type !== 'DELETED');
    expect(podItems.length).to.be.at.least(4);
    expect(podItems.every((i) => i.object.status !== undefined)).to.equal(true);
    for (const i of live.items.filter((x) => x.object.kind === 'ReplicaSet'))
      expect(i.object).to.have.keys(['apiVersion', 'kind', 'metadata']);
    // No two consecutive versions of one object are the same once shrunk: unchanged ones were held
    // back (a DELETED carries the last state again, and always goes out).
    const prev = new Map<string, string>();
    for (const i of live.items.filter((x) => x.object.status && x.type !== 'DELETED')) {
      const { resourceVersion: _rv, managedFields: _mf, ...meta } = i.object.metadata ?? {};
      const form = JSON.stringify({ ...i.object, metadata: meta });
      const uid = i.object.metadata?.uid ?? '';
      expect(form, `${i.object.kind}/${i.object.metadata?.name} re-emitted unchanged`).to.not.equal(
        prev.get(uid),
      );
      prev.set(uid, form);
    }
    // A status write that changes only what is dropped (status.message): the API server makes a
    // new resourceVersion, the receiver holds it back and counts it.
    const pod = pods[0]!;
    const name = pod.metadata!.name!;
    const before = live.items.length;
    const unchangedBefore = await live.metric('watch_unchanged_total', { resource: `pods@${n}` });
    kubectl([
      '-n',
      n,
      'patch',
      'pod',
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"message":"h16-status: dropped by objectWithStatus"}}',
    ]);
    const rvAfter = list(n, 'pod').find((p) => p.metadata?.name === name)!.metadata!
      .resourceVersion;
    expect(rvAfter).to.not.equal(pod.metadata!.resourceVersion);
    await waitFor(
      'the status-only write counted as unchanged',
      async () =>
        (await live.metric('watch_unchanged_total', { resource: `pods@${n}` })) > unchangedBefore,
      30_000,
    );
    expect(
      live.items.slice(before).filter((i) => i.object.metadata?.name === name),
      'no item for a write of dropped fields only',
    ).to.deep.equal([]);
    console.log(
      `      items: ${live.items.length}; pods unchanged (not emitted): ${await live.metric('watch_unchanged_total', { resource: `pods@${n}` })}; deployments unchanged: ${await live.metric('watch_unchanged_total', { resource: `deployments.apps@${n}` })}`,
    );
  });
});
