// The end-to-end suite, Deployments: kspan runs live (k8s_events → causality → otlp) against the e2e
// cluster while the test applies real workloads, and the traces are read back through Jaeger's own
// query API and checked against the cluster's Events: parent/child structure, names, services.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { apply, createNamespace, deleteNamespace, kubectl, type KubeObj } from './lib/kubectl.js';
import { jaegerTraces } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import {
  KUBELET,
  deploymentRollout,
  expectPath,
  podStartPaths,
  podsNamed,
} from './lib/scenarios.js';
import { settle, settleDeployment } from './lib/settle.js';
import { expectTrace, getObject, startPipeline, stopPipeline } from './lib/suite.js';
import { renderTree } from './lib/trace.js';
import { IMAGE_1, deployment } from './lib/workloads.js';

/** The managedFields entry `kubectl scale` wrote (through the scale subresource). */
function scaleWriter(o: KubeObj): { manager: string; operation: string } {
  const f = o.metadata.managedFields?.find((m) => m.subresource === 'scale');
  expect(f, `no managedFields entry of the scale subresource on ${o.metadata.name}`).to.not.equal(
    undefined,
  );
  expect(f!.fieldsV1 ?? {}).to.have.property('f:spec');
  return { manager: f!.manager, operation: f!.operation };
}

describe('suite: Deployments traced live into Jaeger', function () {
  let kspan: KspanProcess | undefined;
  let rolloutNs: string;
  let scaleNs: string;

  before(async () => {
    suiteEnv(); // a clear failure when the environment is not up
    rolloutNs = await createNamespace('rollout');
    scaleNs = await createNamespace('scale');
    ({ kspan } = await startPipeline('deployment', [rolloutNs, scaleNs], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(rolloutNs);
      await deleteNamespace(scaleNs);
    }
  });

  it('a Deployment created, then rolled to a new image: one trace per rollout, ReplicaSet → Pod → scheduler and kubelet under its root', async () => {
    const { created, rolled } = await deploymentRollout(rolloutNs, jaegerTraces);
    // creation: root + 1 scaling + 2 × (create + Scheduled + 4 kubelet-like events)
    expect(created.spans, renderTree(created)).to.have.length(1 + 1 + 2 * 6);
    // rollout (maxSurge 1, maxUnavailable 0): 4 scalings, 2 new pods × 6, 2 deleted pods × 2
    expect(rolled.spans, renderTree(rolled)).to.have.length(1 + 4 + 2 * 6 + 2 * 2);
  });

  it('a scale-up and a scale-down: a trace each, the ReplicaSet creating or deleting pods under the scaling', async () => {
    const ns = scaleNs;
    const name = 'api';
    await apply(ns, deployment(name, { image: IMAGE_1, replicas: 1 }));
    const first = await settleDeployment(ns, name, IMAGE_1, 1);
    const seen = new Set(first.map((e) => e.uid));
    const read = jaegerTraces;
    const createRoot = {
      service: 'kubectl-client-side-apply',
      name: 'Deployment.Update',
      object: name,
    };
    const created = await expectTrace({
      read,
      ns,
      select: (all) => all.filter((e) => seen.has(e.uid)),
      root: createRoot,
    });

    await kubectl(['-n', ns, 'scale', `deployment/${name}`, '--replicas=3']);
    const afterUp = await settleDeployment(ns, name, IMAGE_1, 3);
    const upUids = new Set(afterUp.filter((e) => !seen.has(e.uid)).map((e) => e.uid));
    upUids.forEach((u) => seen.add(u));
    // `kubectl scale` writes spec.replicas through the scale subresource: its managedFields entry
    // (manager `kubectl`, subresource `scale`) is the newest writer of spec, so it names the root.
    // (The API server leaves `time` unset on that entry.)
    const up = scaleWriter(await getObject(ns, `deployment/${name}`));
    // The scale-up and the scale-down are checked to the end even if one of them is wrong, so a
    // failure reports everything that differs.
    const failures: string[] = [];
    const softly = async <T>(what: string, check: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await check();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
        return undefined;
      }
    };
    const scaledUp = await softly('the scale-up trace', () =>
      expectTrace({
        read,
        ns,
        select: (all) => all.filter((e) => upUids.has(e.uid)),
        root: { service: up.manager, name: `Deployment.${up.operation}`, object: name },
      }),
    );
    const upEvents = afterUp.filter((e) => upUids.has(e.uid));
    const added = podsNamed(upEvents, /^Created pod/);
    expect(added, 'pods the scale-up created').to.have.length(2);
    const scaling = {
      service: 'deployment-controller',
      name: 'Deployment.ScalingReplicaSet',
      message: /^Scaled up replica set \S+ from 1 to 3$/,
    };
    if (scaledUp)
      for (const pod of added)
        for (const path of podStartPaths(
          [{ name: `Deployment.${up.operation}` }, scaling],
          {
            service: 'replicaset-controller',
            name: 'ReplicaSet.SuccessfulCreate',
            message: `Created pod: ${pod}`,
          },
          pod,
        ))
          await softly('a scale-up path', async () => expectPath(scaledUp, path));

    await kubectl(['-n', ns, 'scale', `deployment/${name}`, '--replicas=1']);
    const afterDown = await settle(
      ns,
      `deployment ${name} scaled to 1`,
      (p) => p.name.startsWith(`${name}-`),
      1,
    );
    const downUids = new Set(afterDown.filter((e) => !seen.has(e.uid)).map((e) => e.uid));
    const down = scaleWriter(await getObject(ns, `deployment/${name}`));
    const scaledDown = await softly('the scale-down trace', () =>
      expectTrace({
        read,
        ns,
        select: (all) => all.filter((e) => downUids.has(e.uid)),
        root: { service: down.manager, name: `Deployment.${down.operation}`, object: name },
      }),
    );
    const removed = podsNamed(
      afterDown.filter((e) => downUids.has(e.uid)),
      /^Deleted pod/,
    );
    expect(removed, 'pods the scale-down deleted').to.have.length(2);
    if (scaledDown)
      for (const pod of removed)
        await softly('a scale-down path', async () =>
          expectPath(scaledDown, [
            { name: `Deployment.${down.operation}` },
            {
              service: 'deployment-controller',
              name: 'Deployment.ScalingReplicaSet',
              message: /^Scaled down replica set \S+ from 3 to 1$/,
            },
            {
              service: 'replicaset-controller',
              name: 'ReplicaSet.SuccessfulDelete',
              message: `Deleted pod: ${pod}`,
            },
            { service: KUBELET, name: 'Pod.Killing', object: pod },
          ]),
        );

    expect(failures.length, failures.join('\n\n')).to.equal(0);
    const ids = [created.traceId, scaledUp!.traceId, scaledDown!.traceId];
    expect(new Set(ids).size, 'three changes, three traces').to.equal(3);
    expect((await read(ns)).map((t) => t.traceId).sort()).to.deep.equal([...ids].sort());
  });
});
