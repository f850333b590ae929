import { CoreEvent } from '../events.js';
import { ref, type SimObject } from '../objects.js';
import { startPod, stopPod } from '../kubelet.js';
import type { World } from '../world.js';

const SSC = { component: 'statefulset-controller' };

function stsPod(w: World, sts: SimObject, ordinal: number, createdMs: number): SimObject {
  return w.object('Pod', `${sts.name}-${ordinal}`, sts.namespace, createdMs, {
    generation: 1,
    labels: {
      app: sts.name,
      'apps.kubernetes.io/pod-index': String(ordinal),
      'statefulset.kubernetes.io/pod-name': `${sts.name}-${ordinal}`,
    },
    owner: ref(sts),
    writers: [{ manager: 'kube-controller-manager', timeMs: createdMs, spec: true }],
    detail: { image: sts.detail.image, containers: sts.detail.containers, phase: 'Pending' },
  });
}

/**
 * A StatefulSet rolling update: pods replaced one at a time from the highest ordinal down, each
 * deleted (SuccessfulDelete, Killing) and created again under the same name with a new uid
 * (SuccessfulCreate, Scheduled, Pulled, Created, Started) once the previous one is Ready.
 */
export function statefulSetRollout(w: World, start: number): void {
  const { rng } = w;
  const namespace = rng.pick(w.namespaces);
  const name = w.name(namespace, rng.pick(['db', 'cache', 'queue', 'zk', 'etcd', 'es']));
  const created = start - rng.between(86_400_000, 30 * 86_400_000);
  const replicas = rng.int(1, 5);
  const sts = w.object('StatefulSet', name, namespace, created, {
    generation: rng.int(1, 10),
    labels: { app: name },
    writers: [{ manager: 'helm', timeMs: created, spec: true }],
    detail: { replicas, image: w.image(name), containers: ['app'] },
  });
  const pods = Array.from({ length: replicas }, (_, i) => {
    const p = stsPod(w, sts, i, created + i * 20_000);
    p.detail.phase = 'Running';
    p.detail.node = rng.pick(w.nodes);
    return p;
  });
  w.put(start, 'ADDED', sts, true);
  for (const p of pods) w.put(start, 'ADDED', p, true);

  let t = start + rng.between(500, 2000);
  sts.generation = (sts.generation ?? 1) + 1;
  sts.writers[0] = { manager: 'helm', timeMs: t, spec: true };
  sts.detail.image = w.image(name);
  sts.detail.rolling = true;
  w.put(t, 'MODIFIED', sts);
  for (let i = replicas - 1; i >= 0; i--) {
    const old = pods[i] as SimObject;
    t += rng.between(5, 50);
    const del = `delete Pod ${old.name} in StatefulSet ${name} successful`;
    w.event(
      t,
      new CoreEvent(
        { involved: sts, reason: 'SuccessfulDelete', message: del, reporter: SSC },
        t,
        rng,
      ),
    );
    t = stopPod(w, old, t) + rng.between(5, 50);
    const pod = stsPod(w, sts, i, t);
    w.put(t, 'ADDED', pod);
    const add = `create Pod ${pod.name} in StatefulSet ${name} successful`;
    w.event(
      t,
      new CoreEvent(
        { involved: sts, reason: 'SuccessfulCreate', message: add, reporter: SSC },
        t,
        rng,
      ),
    );
    t = startPod(w, pod, t, false);
  }
  sts.detail.rolling = false;
  w.put(t + rng.between(5, 50), 'MODIFIED', sts);
}
