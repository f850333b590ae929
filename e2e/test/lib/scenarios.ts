// Scenarios shared by more than one suite file (the same workload read back from Jaeger and Zipkin).
import { expect } from 'chai';
import { apply, replicaSetWithImage, specWriter, type ClusterEvent } from './kubectl.js';
import { namedChild } from './expect.js';
import { settleDeployment } from './settle.js';
import { expectTrace, getObject, type ReadTraces } from './suite.js';
import { describePath, findPath, renderTree, type SpanMatcher, type TraceView } from './trace.js';
import { IMAGE_1, IMAGE_2, deployment } from './workloads.js';

/** The reporting component of KWOK's kubelet-like events (Pulling, Pulled, Created, Started, Killing). */
export const KUBELET = 'kwok_controller';

export function expectPath(t: TraceView, path: SpanMatcher[], caseInsensitive = false): void {
  expect(
    findPath(t, path, caseInsensitive),
    `no path ${describePath(path)} in\n${renderTree(t)}`,
  ).to.not.equal(undefined);
}

/** Pod names an event set created / deleted (by the controllers' messages). */
export function podsNamed(events: ClusterEvent[], verb: RegExp): string[] {
  return events
    .filter((e) => namedChild(e)?.kind === 'Pod' && verb.test(e.message))
    .map((e) => namedChild(e)!.name);
}

/** The kubelet-like events each started pod must show, under the event that created it. */
export function podStartPaths(
  prefix: SpanMatcher[],
  creator: SpanMatcher,
  pod: string,
): SpanMatcher[][] {
  return [
    [...prefix, creator, { name: 'Pod.Scheduled', service: 'default-scheduler', object: pod }],
    ...['Pulling', 'Pulled', 'Created', 'Started'].map((r) => [
      ...prefix,
      creator,
      { name: `Pod.${r}`, service: KUBELET, object: pod },
    ]),
  ];
}

/**
 * A Deployment of 2 pods created, then rolled to a new image. One trace per rollout; under each
 * root the ReplicaSet scaling, each Pod's creation, its scheduling and kubelet-like events.
 */
export async function deploymentRollout(
  ns: string,
  read: ReadTraces,
  caseInsensitive = false,
): Promise<{ created: TraceView; rolled: TraceView }> {
  const name = 'web';
  await apply(ns, deployment(name, { image: IMAGE_1, replicas: 2 }));
  const createdEvents = await settleDeployment(ns, name, IMAGE_1, 2);
  const writer = specWriter(await getObject(ns, `deployment/${name}`));
  expect(writer).to.deep.equal({ manager: 'kubectl-client-side-apply', operation: 'Update' });
  const rootMatcher: SpanMatcher = {
    service: 'kubectl-client-side-apply',
    name: 'Deployment.Update',
    object: name,
  };
  const root = { service: 'kubectl-client-side-apply', name: 'Deployment.Update', object: name };
  const firstUids = new Set(createdEvents.map((e) => e.uid));

  const created = await expectTrace({
    read,
    ns,
    select: (all) => all.filter((e) => firstUids.has(e.uid)),
    root,
    caseInsensitive,
  });
  const rs1 = (await replicaSetWithImage(ns, name, IMAGE_1)).metadata.name;
  for (const pod of podsNamed(createdEvents, /^Created pod/)) {
    const scaled = {
      service: 'deployment-controller',
      name: 'Deployment.ScalingReplicaSet',
      message: new RegExp(`^Scaled up replica set ${rs1}\\b`),
    };
    const creator = {
      service: 'replicaset-controller',
      name: 'ReplicaSet.SuccessfulCreate',
      message: `Created pod: ${pod}`,
    };
    for (const path of podStartPaths([rootMatcher, scaled], creator, pod))
      expectPath(created, path, caseInsensitive);
  }
  expect(podsNamed(createdEvents, /^Created pod/)).to.have.length(2);

  // Roll to a new image: a new change, a new trace.
  await apply(ns, deployment(name, { image: IMAGE_2, replicas: 2 }));
  const all = await settleDeployment(ns, name, IMAGE_2, 2);
  const rollEvents = all.filter((e) => !firstUids.has(e.uid));
  const rolled = await expectTrace({
    read,
    ns,
    select: (every) => every.filter((e) => !firstUids.has(e.uid)),
    root,
    caseInsensitive,
  });
  expect(rolled.traceId, 'the rollout is a trace of its own').to.not.equal(created.traceId);
  const rs2 = (await replicaSetWithImage(ns, name, IMAGE_2)).metadata.name;
  const newPods = podsNamed(rollEvents, /^Created pod/);
  const oldPods = podsNamed(rollEvents, /^Deleted pod/);
  expect(newPods, 'pods created by the rollout').to.have.length(2);
  expect(oldPods, 'pods deleted by the rollout').to.have.members(
    podsNamed(createdEvents, /^Created pod/),
  );
  for (const pod of newPods) {
    const scaled = {
      service: 'deployment-controller',
      name: 'Deployment.ScalingReplicaSet',
      message: new RegExp(`^Scaled up replica set ${rs2}\\b`),
    };
    const creator = {
      service: 'replicaset-controller',
      name: 'ReplicaSet.SuccessfulCreate',
      message: `Created pod: ${pod}`,
    };
    for (const path of podStartPaths([rootMatcher, scaled], creator, pod))
      expectPath(rolled, path, caseInsensitive);
  }
  for (const pod of oldPods)
    expectPath(
      rolled,
      [
        rootMatcher,
        {
          service: 'deployment-controller',
          name: 'Deployment.ScalingReplicaSet',
          message: new RegExp(`^Scaled down replica set ${rs1}\\b`),
        },
        {
          service: 'replicaset-controller',
          name: 'ReplicaSet.SuccessfulDelete',
          message: `Deleted pod: ${pod}`,
        },
        { service: KUBELET, name: 'Pod.Killing', object: pod },
      ],
      caseInsensitive,
    );

  // Nothing else in the namespace: exactly these two traces.
  const traces = await read(ns);
  expect(
    traces.map((t) => t.traceId).sort(),
    `traces in ${ns}:\n${traces.map(renderTree).join('\n')}`,
  ).to.deep.equal([created.traceId, rolled.traceId].sort());
  return { created, rolled };
}
