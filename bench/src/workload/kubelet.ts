import { CoreEvent, schedulerEvent } from './events.js';
import type { SimObject } from './objects.js';
import type { World } from './world.js';

// What happens to one Pod after its controller creates it, and when it is deleted: the scheduler's
// Binding, the kubelet's image pull and container start, and the kubelet stopping it.

export function containersOf(pod: SimObject): string[] {
  return (pod.detail.containers as string[] | undefined) ?? ['app'];
}

/**
 * Schedules and starts `pod` (already delivered as ADDED at `t0`). Returns when it is Ready.
 * `pull`: the image is not on the node yet (Pulling + "Successfully pulled"), else "already present".
 */
export function startPod(w: World, pod: SimObject, t0: number, pull: boolean): number {
  const { rng } = w;
  const node = rng.pick(w.nodes);
  let t = t0 + rng.between(2, 40);
  w.raw(t, 'ADDED', schedulerEvent(pod, w.rv(), node, t, rng));
  pod.detail.node = node;
  pod.detail.scheduledMs = t;
  pod.writers.push({ manager: 'kube-scheduler', timeMs: t, spec: false, subresource: 'status' });
  w.put(t + rng.between(1, 6), 'MODIFIED', pod);
  const image = String(pod.detail.image);
  const kubelet = { component: 'kubelet', host: node };
  t += rng.between(150, 900);
  let started = t;
  for (const c of containersOf(pod)) {
    const fieldPath = `spec.containers{${c}}`;
    const on = { involved: pod, fieldPath, reporter: kubelet };
    if (pull) {
      w.event(
        t,
        new CoreEvent({ ...on, reason: 'Pulling', message: `Pulling image "${image}"` }, t, rng),
      );
      const took = rng.between(400, 9000);
      t += took;
      const s = (took / 1000).toFixed(3);
      const size = rng.int(8_000_000, 400_000_000);
      const message = `Successfully pulled image "${image}" in ${s}s (${s}s including waiting). Image size: ${size} bytes.`;
      w.event(t, new CoreEvent({ ...on, reason: 'Pulled', message }, t, rng));
    } else {
      const message = `Container image "${image}" already present on machine`;
      w.event(t, new CoreEvent({ ...on, reason: 'Pulled', message }, t, rng));
    }
    t += rng.between(5, 120);
    w.event(
      t,
      new CoreEvent({ ...on, reason: 'Created', message: `Created container: ${c}` }, t, rng),
    );
    t += rng.between(20, 400);
    w.event(
      t,
      new CoreEvent({ ...on, reason: 'Started', message: `Started container ${c}` }, t, rng),
    );
    started = t;
  }
  const ready = started + rng.between(300, 3000);
  pod.detail.phase = 'Running';
  pod.detail.readyMs = ready;
  pod.writers.push({ manager: 'kubelet', timeMs: ready, spec: false, subresource: 'status' });
  w.put(ready, 'MODIFIED', pod);
  return ready;
}

/** The kubelet stops `pod` (its deletion began at `t`); returns when the Pod object is gone. */
export function stopPod(w: World, pod: SimObject, t: number): number {
  const { rng } = w;
  pod.deletedMs = t;
  w.put(t + rng.between(1, 10), 'MODIFIED', pod);
  const kubelet = { component: 'kubelet', host: String(pod.detail.node ?? rng.pick(w.nodes)) };
  let k = t + rng.between(5, 60);
  for (const c of containersOf(pod)) {
    const spec = {
      involved: pod,
      fieldPath: `spec.containers{${c}}`,
      reporter: kubelet,
      reason: 'Killing',
      message: `Stopping container ${c}`,
    };
    w.event(k, new CoreEvent(spec, k, rng));
    k += rng.between(1, 10);
  }
  const gone = k + rng.between(300, 5000);
  w.put(gone, 'DELETED', pod);
  return gone;
}
