import { CoreEvent } from '../events.js';
import { nameSuffix, templateHash } from '../ids.js';
import { ref, type SimObject } from '../objects.js';
import { startPod, stopPod } from '../kubelet.js';
import type { World } from '../world.js';

const DC = { component: 'deployment-controller' };
const RSC = { component: 'replicaset-controller' };

/** A ReplicaSet of `dep` with pod-template-hash `hash`. */
export function replicaSetOf(
  w: World,
  dep: SimObject,
  createdMs: number,
  replicas: number,
  image: string,
) {
  const hash = templateHash(w.rng);
  return w.object('ReplicaSet', `${dep.name}-${hash}`, dep.namespace, createdMs, {
    generation: 1,
    labels: { app: dep.name, 'pod-template-hash': hash },
    annotations: {
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)),
      'deployment.kubernetes.io/revision': String(dep.generation ?? 1),
    },
    owner: ref(dep),
    writers: [{ manager: 'kube-controller-manager', timeMs: createdMs, spec: true }],
    detail: { replicas, image, containers: dep.detail.containers },
  });
}

/** A Pod of `rs` (name `<rs>-<suffix>`). */
export function podOf(w: World, rs: SimObject, createdMs: number): SimObject {
  return w.object('Pod', `${rs.name}-${nameSuffix(w.rng)}`, rs.namespace, createdMs, {
    generation: 1,
    labels: {
      app: rs.labels.app ?? rs.name,
      'pod-template-hash': rs.labels['pod-template-hash'] ?? '',
    },
    owner: ref(rs),
    writers: [{ manager: 'kube-controller-manager', timeMs: createdMs, spec: true }],
    detail: { image: rs.detail.image, containers: rs.detail.containers, phase: 'Pending' },
  });
}

/** A Deployment with `replicas` running pods, before the scenario: delivered as initial state. */
export function existingDeployment(w: World, start: number, replicas: number) {
  const { rng } = w;
  const namespace = rng.pick(w.namespaces);
  const name = w.name(namespace);
  const created = start - rng.between(3_600_000, 90 * 86_400_000);
  const containers = rng.chance(0.3) ? ['app', 'log-shipper'] : ['app'];
  const image = w.image(name);
  const generation = rng.int(1, 30);
  const dep = w.object('Deployment', name, namespace, created, {
    generation,
    labels: { app: name, 'app.kubernetes.io/part-of': namespace },
    annotations: { 'deployment.kubernetes.io/revision': String(generation) },
    writers: [
      { manager: 'kubectl-client-side-apply', timeMs: created, spec: true },
      { manager: 'kube-controller-manager', timeMs: created, spec: false, subresource: 'status' },
    ],
    detail: { replicas, image, containers },
  });
  const rs = replicaSetOf(w, dep, created, replicas, image);
  const pods = Array.from({ length: replicas }, () => {
    const p = podOf(w, rs, created + rng.between(1000, 60_000));
    p.detail.phase = 'Running';
    p.detail.node = rng.pick(w.nodes);
    return p;
  });
  w.put(start, 'ADDED', dep, true);
  w.put(start, 'ADDED', rs, true);
  for (const p of pods) w.put(start, 'ADDED', p, true);
  return { dep, rs, pods };
}

/**
 * `kubectl apply` of a new image to a Deployment of 2..`maxReplicas` pods: a rolling update
 * (maxSurge 25 %, maxUnavailable 25 %) in waves. Per replaced pod: SuccessfulCreate, Scheduled,
 * Pulling/Pulled, Created, Started (per container), SuccessfulDelete, Killing (per container),
 * plus two ScalingReplicaSet per wave and the objects' ADDED/MODIFIED/DELETED.
 */
export function deploymentRollout(w: World, start: number, maxReplicas = 12): void {
  const { rng } = w;
  const replicas = rng.chance(0.1) ? rng.int(2, maxReplicas * 3) : rng.int(2, maxReplicas);
  const { dep, rs: oldRs, pods: oldPods } = existingDeployment(w, start, replicas);

  let t = start + rng.between(500, 2000);
  dep.generation = (dep.generation ?? 1) + 1;
  dep.writers[0] = { manager: 'kubectl-client-side-apply', timeMs: t, spec: true };
  dep.annotations = { 'deployment.kubernetes.io/revision': String(dep.generation) };
  dep.detail.image = w.image(dep.name);
  dep.detail.rolling = true;
  w.put(t, 'MODIFIED', dep);

  const newRs = replicaSetOf(w, dep, t + rng.between(5, 30), replicas, String(dep.detail.image));
  newRs.detail.replicas = 0;
  w.put(newRs.createdMs, 'ADDED', newRs);
  t = newRs.createdMs;

  const surge = Math.max(1, Math.ceil(replicas / 4));
  const pull = rng.chance(0.6);
  let created = 0;
  let oldLeft = replicas;
  while (created < replicas) {
    const n = Math.min(surge, replicas - created);
    created += n;
    t += rng.between(2, 30);
    const up = new CoreEvent(
      {
        involved: dep,
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${newRs.name} from ${created - n} to ${created}`,
        reporter: DC,
      },
      t,
      rng,
    );
    w.event(t, up);
    newRs.detail.replicas = created;
    w.put(t + rng.between(1, 5), 'MODIFIED', newRs);
    let ready = t;
    for (let i = 0; i < n; i++) {
      const tc = t + rng.between(3, 25) + i * rng.between(1, 8);
      const pod = podOf(w, newRs, tc);
      w.put(tc, 'ADDED', pod);
      const message = `Created pod: ${pod.name}`;
      w.event(
        tc,
        new CoreEvent(
          { involved: newRs, reason: 'SuccessfulCreate', message, reporter: RSC },
          tc,
          rng,
        ),
      );
      ready = Math.max(ready, startPod(w, pod, tc, pull));
    }
    // the new pods are available: scale the old ReplicaSet down by as many
    t = ready + rng.between(10, 200);
    const down = Math.min(n, oldLeft);
    oldLeft -= down;
    w.event(
      t,
      new CoreEvent(
        {
          involved: dep,
          reason: 'ScalingReplicaSet',
          message: `Scaled down replica set ${oldRs.name} from ${oldLeft + down} to ${oldLeft}`,
          reporter: DC,
        },
        t,
        rng,
      ),
    );
    oldRs.detail.replicas = oldLeft;
    w.put(t + rng.between(1, 5), 'MODIFIED', oldRs);
    for (const pod of oldPods.splice(0, down)) {
      const td = t + rng.between(3, 30);
      const message = `Deleted pod: ${pod.name}`;
      w.event(
        td,
        new CoreEvent(
          { involved: oldRs, reason: 'SuccessfulDelete', message, reporter: RSC },
          td,
          rng,
        ),
      );
      stopPod(w, pod, td);
    }
  }
  dep.writers[1] = {
    manager: 'kube-controller-manager',
    timeMs: t,
    spec: false,
    subresource: 'status',
  };
  const done = t + rng.between(5, 50);
  dep.detail.rolling = false;
  dep.detail.doneMs = done;
  w.put(done, 'MODIFIED', dep);
}
