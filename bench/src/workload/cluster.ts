import type { WatchEvent } from '@kspan/core';
import { ResourceVersions, isoNanos } from './ids.js';
import { render, type ObjectShape } from './objects.js';
import { Rng } from './prng.js';
import { podOf, replicaSetOf } from './scenarios/deployment.js';
import { World } from './world.js';

export interface ClusterOptions {
  pods: number;
  seed?: number;
  /** Pods per Deployment on average (default 8, drawn from 1..2×). */
  podsPerDeployment?: number;
  shape?: ObjectShape;
}

export interface ClusterCounts {
  pods: number;
  replicaSets: number;
  deployments: number;
}

/**
 * The owner graph of a steady cluster, as the initial list of kspan's object watches delivers it:
 * Deployments, each with its current ReplicaSet and an older one scaled to 0 (revision history),
 * and the current one's Pods. Only ADDED watch events of owner objects, no Events.
 */
export function* clusterState(
  options: ClusterOptions,
  counts: ClusterCounts = { pods: 0, replicaSets: 0, deployments: 0 },
): Generator<WatchEvent> {
  const rng = new Rng(options.seed ?? 7);
  const shape = options.shape ?? 'metadata';
  const rv = new ResourceVersions();
  const now = Date.parse('2026-11-02T09:00:00Z');
  const observedAt = isoNanos(now);
  const world = new World(rng.fork(), shape, () => {}, 5000);
  const perDeployment = options.podsPerDeployment ?? 8;
  const added = (o: Parameters<typeof render>[0]): WatchEvent => {
    const object = render(o, shape);
    (object.metadata ?? {}).resourceVersion = rv.next();
    return { type: 'ADDED', object, observedAt };
  };
  while (counts.pods < options.pods) {
    const replicas = Math.min(options.pods - counts.pods, rng.int(1, perDeployment * 2 - 1));
    const namespace = rng.pick(world.namespaces);
    const name = world.name(namespace);
    const created = now - rng.between(3_600_000, 90 * 86_400_000);
    const generation = rng.int(2, 30);
    const image = world.image(name);
    const dep = world.object('Deployment', name, namespace, created, {
      generation,
      labels: { app: name, 'app.kubernetes.io/part-of': namespace },
      annotations: { 'deployment.kubernetes.io/revision': String(generation) },
      writers: [
        { manager: 'kubectl-client-side-apply', timeMs: created, spec: true },
        { manager: 'kube-controller-manager', timeMs: created, spec: false, subresource: 'status' },
      ],
      detail: { replicas, image, containers: ['app'] },
    });
    yield added(dep);
    counts.deployments++;
    const old = replicaSetOf(world, dep, created, 0, world.image(name));
    yield added(old);
    const rs = replicaSetOf(world, dep, created + 60_000, replicas, image);
    yield added(rs);
    counts.replicaSets += 2;
    for (let i = 0; i < replicas; i++) {
      const pod = podOf(world, rs, created + rng.between(60_000, 600_000));
      pod.detail.phase = 'Running';
      pod.detail.node = rng.pick(world.nodes);
      pod.writers.push({
        manager: 'kubelet',
        timeMs: pod.createdMs + 5000,
        spec: false,
        subresource: 'status',
      });
      yield added(pod);
      counts.pods++;
    }
  }
}
