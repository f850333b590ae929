// Waiting for a workload to be done in the cluster, including the events that tell of it: every
// running pod has its kubelet-like `Started` event, every deleted pod its `Killing` event.
import { clusterEvents, pods, rolloutStatus, type ClusterEvent, type PodInfo } from './kubectl.js';
import { namedChild } from './expect.js';
import { waitUntil } from './wait.js';

function eventsComplete(ps: PodInfo[], events: ClusterEvent[]): string | undefined {
  for (const p of ps) {
    if (p.deleting) return `pod ${p.name} is terminating`;
    if (p.phase === 'Running' && !events.some((e) => e.objUid === p.uid && e.reason === 'Started'))
      return `pod ${p.name} has no Started event yet`;
  }
  const deletes = new Map<string, number>();
  for (const e of events) {
    const c = namedChild(e);
    if (c?.kind === 'Pod' && /^(?:Deleted pod|delete Pod)/.test(e.message))
      deletes.set(c.name, (deletes.get(c.name) ?? 0) + 1);
  }
  for (const [name, n] of deletes) {
    const killed = events.filter(
      (e) => e.kind === 'Pod' && e.objName === name && e.reason === 'Killing',
    );
    if (killed.length < n)
      return `pod ${name} was deleted ${n}× but has ${killed.length} Killing events`;
  }
  return undefined;
}

/**
 * Waits until the pods matching `accept` are exactly `replicas`, all Running, no other pod left, and
 * the events are complete and stable (unchanged across two reads). Returns the events.
 */
export async function settle(
  ns: string,
  what: string,
  accept: (p: PodInfo) => boolean,
  replicas: number,
  timeoutMs = 90_000,
): Promise<ClusterEvent[]> {
  let last = '';
  let previous = -1;
  return waitUntil(
    `${what} to settle in ${ns}`,
    async () => {
      const ps = await pods(ns);
      const events = await clusterEvents(ns);
      const ok = ps.filter((p) => accept(p) && p.phase === 'Running' && !p.deleting);
      const others = ps.filter((p) => !ok.includes(p) && p.phase !== 'Succeeded');
      last = `pods: ${ps.map((p) => `${p.name}(${p.phase}${p.deleting ? ',deleting' : ''},${p.image})`).join(' ')}`;
      if (ok.length !== replicas || others.length > 0) return undefined;
      const missing = eventsComplete(ps, events);
      if (missing) {
        last += `; ${missing}`;
        return undefined;
      }
      const stable = events.length === previous;
      previous = events.length;
      return stable ? events : undefined;
    },
    { timeoutMs, intervalMs: 700, detail: () => last },
  );
}

export async function settleDeployment(
  ns: string,
  name: string,
  image: string,
  replicas: number,
): Promise<ClusterEvent[]> {
  await rolloutStatus(ns, `deployment/${name}`);
  return settle(
    ns,
    `deployment ${name}`,
    (p) => p.name.startsWith(`${name}-`) && p.image === image,
    replicas,
  );
}
