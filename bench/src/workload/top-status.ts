import { isoSeconds } from './ids.js';
import type { SimObject } from './objects.js';

// The `status` of a simulated top-level object, as its controller writes it: what tells causality
// when a change ended (Deployment `Progressing`/`NewReplicaSetAvailable` at its update time, a
// StatefulSet's current = update revision, a Job's `Complete`). Scenarios move it through
// `detail`: `rolling` (a Deployment's or StatefulSet's newest generation is still rolling out),
// `doneMs` (when it finished), `done` (a Job's completion), `lastScheduleMs` (a CronJob's run).

type Status = Record<string, unknown>;

const condition = (type: string, reason: string, atMs: number, updateMs = atMs) => ({
  type,
  status: 'True',
  reason,
  lastTransitionTime: isoSeconds(atMs),
  lastUpdateTime: isoSeconds(updateMs),
});

function deploymentStatus(o: SimObject, replicas: number): Status {
  const rolling = Boolean(o.detail.rolling);
  const doneMs = Number(o.detail.doneMs ?? o.createdMs + 60_000);
  return {
    observedGeneration: o.generation ?? 1,
    replicas,
    updatedReplicas: rolling ? 0 : replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      condition('Available', 'MinimumReplicasAvailable', o.createdMs + 60_000),
      rolling
        ? condition('Progressing', 'ReplicaSetUpdated', o.createdMs + 60_000, doneMs)
        : condition('Progressing', 'NewReplicaSetAvailable', o.createdMs + 60_000, doneMs),
    ],
  };
}

function statefulSetStatus(o: SimObject, replicas: number): Status {
  const generation = o.generation ?? 1;
  const current = o.detail.rolling ? generation - 1 : generation;
  return {
    observedGeneration: generation,
    replicas,
    readyReplicas: replicas,
    currentReplicas: replicas,
    updatedReplicas: o.detail.rolling ? 0 : replicas,
    availableReplicas: replicas,
    currentRevision: `${o.name}-r${current}`,
    updateRevision: `${o.name}-r${generation}`,
  };
}

function jobStatus(o: SimObject): Status {
  const start = { startTime: isoSeconds(o.createdMs) };
  if (!o.detail.done) return { ...start, active: 1 };
  const doneMs = Number(o.detail.done);
  return {
    ...start,
    succeeded: 1,
    completionTime: isoSeconds(doneMs),
    conditions: [
      condition('SuccessCriteriaMet', 'CompletionsReached', doneMs),
      condition('Complete', 'CompletionsReached', doneMs),
    ],
  };
}

/** The status the object's controller last wrote (`{}` for kinds without one here). */
export function topStatus(o: SimObject, replicas: number): Status {
  switch (o.kind) {
    case 'Deployment':
      return deploymentStatus(o, replicas);
    case 'StatefulSet':
      return statefulSetStatus(o, replicas);
    case 'Job':
      return jobStatus(o);
    case 'CronJob':
      return o.detail.lastScheduleMs
        ? { lastScheduleTime: isoSeconds(Number(o.detail.lastScheduleMs)) }
        : {};
    default:
      return {
        observedGeneration: o.generation ?? 1,
        replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      };
  }
}
