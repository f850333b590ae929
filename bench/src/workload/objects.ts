import type { KubeObject, ManagedFieldsEntry, ObjectMeta, OwnerReference } from '@kspan/core';
import { isoSeconds } from './ids.js';

// Owner objects (Deployment, ReplicaSet, Pod, StatefulSet, CronJob, Job) as a watch delivers them.
// `metadata` is what kspan's own receiver sends (and `kspan capture` writes): a metadata-only watch
// (PartialObjectMetadata) with managedFields trimmed to "which manager wrote spec, when". `full`
// adds spec, status and complete managedFields trees, as a plain `kubectl get -o json` has them.

export type ObjectShape = 'metadata' | 'full';

/** Just enough to point at an object (involvedObject, regarding, ownerReferences). */
export interface ObjRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

/** A writer in `metadata.managedFields`. */
export interface Writer {
  manager: string;
  timeMs: number;
  /** The entry covers `spec` (the newest such writer is the author of a change). */
  spec: boolean;
  subresource?: 'status';
  apiVersion?: string;
}

/** The mutable state of one simulated object; `render` snapshots it into a watch object. */
export interface SimObject extends ObjRef {
  createdMs: number;
  generation?: number;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: ObjRef;
  writers: Writer[];
  deletedMs?: number;
  /** Free-form details used by `full` rendering (replicas, image, node, phase...). */
  detail: Record<string, unknown>;
}

export function ref(o: ObjRef): ObjRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    uid: o.uid,
  };
}

function ownerReference(o: ObjRef): OwnerReference & { blockOwnerDeletion: boolean } {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    uid: o.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Which top-level fields each kind's writers touch, for `full` managedFields trees. */
const FULL_FIELDS: Record<string, Record<string, unknown>> = {
  spec: {
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
        },
      },
    },
  },
  status: {
    'f:status': {
      'f:conditions': { '.': {}, 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
      'f:observedGeneration': {},
      'f:replicas': {},
    },
  },
};

function managedField(w: Writer, apiVersion: string, shape: ObjectShape): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = {
    manager: w.manager,
    operation: 'Update',
    apiVersion: w.apiVersion ?? apiVersion,
    time: isoSeconds(w.timeMs),
  };
  if (w.subresource) e.subresource = w.subresource;
  if (shape === 'full') {
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = w.spec ? FULL_FIELDS.spec : FULL_FIELDS.status;
  } else if (w.spec) {
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = { 'f:spec': {} };
  }
  return e;
}

/** A watch object for the current state of `o`. `resourceVersion` is set when it is delivered. */
export function render(o: SimObject, shape: ObjectShape): KubeObject {
  const meta: ObjectMeta = {
    name: o.name,
    namespace: o.namespace,
    uid: o.uid,
    creationTimestamp: isoSeconds(o.createdMs),
  };
  if (o.generation !== undefined) meta.generation = o.generation;
  if (o.deletedMs !== undefined) meta.deletionTimestamp = isoSeconds(o.deletedMs);
  meta.labels = { ...o.labels };
  if (o.annotations) meta.annotations = { ...o.annotations };
  if (o.owner) meta.ownerReferences = [ownerReference(o.owner)];
  meta.managedFields = o.writers.map((w) => managedField(w, o.apiVersion, shape));
  const obj: KubeObject = { apiVersion: o.apiVersion, kind: o.kind, metadata: meta };
  if (shape === 'full') Object.assign(obj, fullBody(o));
  return obj;
}

function container(name: string, image: string) {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function podTemplate(o: SimObject) {
  const containers = (o.detail.containers as string[] | undefined) ?? ['app'];
  const image = String(o.detail.image ?? 'registry.example.com/app:1.0.0');
  return {
    metadata: { labels: { app: o.labels.app ?? o.name } },
    spec: {
      containers: containers.map((c) => container(c, image)),
      dnsPolicy: 'ClusterFirst',
      restartPolicy: o.kind === 'Job' || o.kind === 'CronJob' ? 'OnFailure' : 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    },
  };
}

/** spec and status of a `full` object: sizes close to what a cluster returns. */
function fullBody(o: SimObject): Record<string, unknown> {
  const d = o.detail;
  const replicas = Number(d.replicas ?? 1);
  switch (o.kind) {
    case 'Pod': {
      const t = podTemplate(o);
      const phase = String(d.phase ?? 'Pending');
      return {
        spec: {
          ...t.spec,
          ...(d.node ? { nodeName: d.node } : {}),
          serviceAccountName: 'default',
          tolerations: [
            {
              effect: 'NoExecute',
              key: 'node.kubernetes.io/not-ready',
              operator: 'Exists',
              tolerationSeconds: 300,
            },
          ],
        },
        status: {
          phase,
          qosClass: 'Burstable',
          ...(d.node ? { hostIP: '10.0.0.12', podIP: '10.244.3.17' } : {}),
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
            type,
            status: phase === 'Running' ? 'True' : 'False',
            lastTransitionTime: isoSeconds(o.createdMs),
          })),
          containerStatuses: t.spec.containers.map((c) => ({
            name: c.name,
            image: c.image,
            ready: phase === 'Running',
            restartCount: Number(d.restarts ?? 0),
            started: phase === 'Running',
          })),
        },
      };
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
      return {
        spec: {
          replicas,
          selector: { matchLabels: { app: o.labels.app } },
          template: podTemplate(o),
        },
        status: {
          observedGeneration: o.generation ?? 1,
          replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
        },
      };
    case 'Job':
      return {
        spec: { backoffLimit: 6, completions: 1, parallelism: 1, template: podTemplate(o) },
        status: d.done
          ? { succeeded: 1, completionTime: isoSeconds(Number(d.done)) }
          : { active: 1 },
      };
    case 'CronJob':
      return {
        spec: {
          schedule: String(d.schedule ?? '*/5 * * * *'),
          concurrencyPolicy: 'Forbid',
          jobTemplate: { spec: { template: podTemplate(o) } },
        },
        status: {},
      };
    default:
      return {};
  }
}
