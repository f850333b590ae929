import { CoreEvent } from '../events.js';
import { existingDeployment } from './deployment.js';
import type { World } from '../world.js';

/**
 * A Pod in CrashLoopBackOff: each restart repeats Pulled/Created/Started, and while the kubelet
 * waits (10 s doubling to 5 min) it reports BackOff (Warning) on every sync. Repeats are the same
 * Event object with count + 1 and a new lastTimestamp: MODIFIED, as client-go's recorder patches it.
 */
export function crashLoop(w: World, start: number, maxRestarts = 6): void {
  const { rng } = w;
  const { pods } = existingDeployment(w, start, 1);
  const pod = pods[0];
  if (!pod) return;
  const node = String(pod.detail.node);
  const kubelet = { component: 'kubelet', host: node };
  const on = { involved: pod, fieldPath: 'spec.containers{app}', reporter: kubelet };
  const image = String(pod.detail.image);
  const pulled = new CoreEvent(
    { ...on, reason: 'Pulled', message: `Container image "${image}" already present on machine` },
    start,
    rng,
  );
  const created = new CoreEvent(
    { ...on, reason: 'Created', message: 'Created container: app' },
    start,
    rng,
  );
  const started = new CoreEvent(
    { ...on, reason: 'Started', message: 'Started container app' },
    start,
    rng,
  );
  const backoff = new CoreEvent(
    {
      ...on,
      type: 'Warning',
      reason: 'BackOff',
      message: `Back-off restarting failed container app in pod ${pod.name}_${pod.namespace}(${pod.uid})`,
    },
    start,
    rng,
  );
  let t = start + rng.between(100, 1000);
  const restarts = rng.int(2, maxRestarts);
  for (let k = 1; k <= restarts; k++) {
    w.event(t, pulled);
    t += rng.between(5, 100);
    w.event(t, created);
    t += rng.between(20, 300);
    w.event(t, started);
    t += rng.between(200, 3000); // the container exits
    pod.detail.restarts = k;
    w.put(t, 'MODIFIED', pod);
    const wait = Math.min(10_000 * 2 ** (k - 1), 300_000);
    for (let s = t + rng.between(100, 2000); s < t + wait; s += rng.between(8_000, 16_000)) {
      w.event(s, backoff);
    }
    t += wait;
  }
}
