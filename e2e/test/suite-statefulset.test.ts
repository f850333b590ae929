// The end-to-end suite, StatefulSets: created (pods one by one, each under the controller's
// `create Pod … in StatefulSet …`), then rolled to a new image (each pod deleted and created again
// under the same name). Read back from Jaeger and checked against the cluster's events.
import { expect } from 'chai';
import { suiteEnv } from './lib/env.js';
import { apply, createNamespace, deleteNamespace, rolloutStatus } from './lib/kubectl.js';
import { jaegerTraces } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import { KUBELET, expectPath, podStartPaths } from './lib/scenarios.js';
import { settle } from './lib/settle.js';
import { expectTrace, startPipeline, stopPipeline } from './lib/suite.js';
import { renderTree } from './lib/trace.js';
import { IMAGE_1, IMAGE_2, statefulSet } from './lib/workloads.js';

describe('suite: a StatefulSet traced live into Jaeger', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;

  before(async () => {
    suiteEnv();
    ns = await createNamespace('sts');
    ({ kspan } = await startPipeline('statefulset', [ns], 'otlp'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('created and rolled: each pod under the statefulset-controller event that created or deleted it', async () => {
    const name = 'db';
    const root = { service: 'kubectl-client-side-apply', name: 'StatefulSet.Update', object: name };
    const rootM = { service: root.service, name: root.name };
    const created = (o: string) => ({
      service: 'statefulset-controller',
      name: 'StatefulSet.SuccessfulCreate',
      message: `create Pod ${o} in StatefulSet ${name} successful`,
    });

    await apply(ns, statefulSet(name, { image: IMAGE_1, replicas: 2 }));
    await rolloutStatus(ns, `statefulset/${name}`);
    const first = await settle(ns, `statefulset ${name}`, (p) => p.image === IMAGE_1, 2);
    const firstUids = new Set(first.map((e) => e.uid));
    const t1 = await expectTrace({
      read: jaegerTraces,
      ns,
      select: (all) => all.filter((e) => firstUids.has(e.uid)),
      root,
    });
    for (const pod of [`${name}-0`, `${name}-1`])
      for (const path of podStartPaths([rootM], created(pod), pod)) expectPath(t1, path);
    expect(t1.spans, renderTree(t1)).to.have.length(1 + 2 * 6);

    await apply(ns, statefulSet(name, { image: IMAGE_2, replicas: 2 }));
    await rolloutStatus(ns, `statefulset/${name}`);
    await settle(ns, `statefulset ${name} rolled`, (p) => p.image === IMAGE_2, 2);
    // The controller's `create Pod db-N in StatefulSet db successful` for the re-created pods has
    // the same text as at the creation, so Kubernetes counts it as a repeat of that Event (count 2).
    // The re-creation is still part of the rolling update: those later occurrences belong in this
    // trace (the new pods' events hang under them), not in the creation's.
    const t2 = await expectTrace({
      read: jaegerTraces,
      ns,
      select: (all) => all.filter((e) => !firstUids.has(e.uid)),
      repeatsFrom: (all) => all.filter((e) => firstUids.has(e.uid) && e.count > 1),
      root,
    });
    expect(t2.traceId, 'the rolling update is a trace of its own').to.not.equal(t1.traceId);
    for (const pod of [`${name}-1`, `${name}-0`]) {
      // the old pod: deleted by the controller, its container stopped by the kubelet
      expectPath(t2, [
        rootM,
        {
          service: 'statefulset-controller',
          name: 'StatefulSet.SuccessfulDelete',
          message: `delete Pod ${pod} in StatefulSet ${name} successful`,
        },
      ]);
      expect(
        t2.spans.some(
          (s) =>
            s.name === 'Pod.Killing' && s.service === KUBELET && s.tags['k8s.object.name'] === pod,
        ),
        `Killing of the old ${pod} in\n${renderTree(t2)}`,
      ).to.equal(true);
      // the new pod of the same name: created again, scheduled, started
      for (const path of podStartPaths([rootM], created(pod), pod)) expectPath(t2, path);
    }
    // and nothing of the rolling update went into the creation's trace
    await expectTrace({
      read: jaegerTraces,
      ns,
      select: (all) => all.filter((e) => firstUids.has(e.uid)),
      root,
      traceId: t1.traceId,
      timeoutMs: 5_000,
    });
    expect((await jaegerTraces(ns)).map((t) => t.traceId).sort()).to.deep.equal(
      [t1.traceId, t2.traceId].sort(),
    );
  });
});
