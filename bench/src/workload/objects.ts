import type { KubeObject, ManagedFieldsEntry, ObjectMeta, OwnerReference } from '@kspan/core';
import { isoSeconds } from './ids.js';
import { asReceiverEmits } from './receiver-shape.js';
import { topStatus } from './top-status.js';

// Owner objects (Deployment, ReplicaSet, Pod, StatefulSet, CronJob, Job) as a watch delivers them.
// `metadata` is what kspan's receiver sends with `owners.status_kinds: []` (and `kspan capture`
// then writes): a metadata-only watch (PartialObjectMetadata) with managedFields trimmed to "which
// manager wrote spec, when". `full` adds spec, status and complete managedFields trees, as a plain
// `kubectl get -o json` has them. `status` is what the receiver emits with the default
// `status_kinds`: `full` shrunk by the receiver's own `objectWithStatus` (the status kinds) and
// `ownerMetadata` (the others).

export type ObjectShape = 'metadata' | 'full' | 'status';

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
      'f:conditions': Object.fromEntries([
        ['.', {}],
        ...[
          'ContainersReady',
          'Initialized',
          'PodReadyToStartContainers',
          'PodScheduled',
          'Ready',
        ].map((t) => [
          `k:{"type":"${t}"}`,
          {
            '.': {},
            'f:lastProbeTime': {},
            'f:lastTransitionTime': {},
            'f:status': {},
            'f:type': {},
          },
        ]),
      ]),
      'f:containerStatuses': {},
      'f:hostIP': {},
      'f:hostIPs': {},
      'f:observedGeneration': {},
      'f:phase': {},
      'f:podIP': {},
      'f:podIPs': { '.': {}, 'k:{"ip":"10.244.3.17"}': { '.': {}, 'f:ip': {} } },
      'f:replicas': {},
      'f:startTime': {},
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
  const trees: ObjectShape = shape === 'metadata' ? 'metadata' : 'full';
  meta.managedFields = o.writers.map((w) => managedField(w, o.apiVersion, trees));
  const obj: KubeObject = { apiVersion: o.apiVersion, kind: o.kind, metadata: meta };
  if (shape === 'metadata') return obj;
  Object.assign(obj, fullBody(o));
  return shape === 'status' ? asReceiverEmits(obj) : obj;
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

/** The token volume the ServiceAccount admission plugin adds to every Pod. */
const API_ACCESS_VOLUME = {
  name: 'kube-api-access-x7k2p',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [
            { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
          ],
        },
      },
    ],
  },
};

/**
 * A Pod as `kubectl get pod -o json` shows one on a real cluster (~5 KB with managedFields): the
 * defaulted spec (token volume and mounts, tolerations, priority), and a status with conditions,
 * IPs and container statuses (state, image IDs, container IDs).
 */
function fullPod(o: SimObject): Record<string, unknown> {
  const d = o.detail;
  const t = podTemplate(o);
  const phase = String(d.phase ?? 'Pending');
  const running = phase === 'Running';
  const finished = phase === 'Succeeded' || phase === 'Failed';
  // the kubelet's own times (kubelet.ts), else those of a pod that started long ago
  const scheduledMs = Number(d.scheduledMs ?? o.createdMs);
  const readyMs = Number(d.readyMs ?? o.createdMs + 5000);
  const started = isoSeconds(readyMs - 1000);
  const finishedMs = Number(d.finishedMs ?? readyMs);
  const condition = (type: string) => {
    const scheduled = type === 'PodScheduled';
    const isTrue = scheduled ? Boolean(d.node) : running || (finished && type === 'Initialized');
    const at = scheduled ? scheduledMs : finished && type !== 'Initialized' ? finishedMs : readyMs;
    return {
      type,
      status: isTrue ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: isoSeconds(isTrue || finished ? at : o.createdMs),
      ...(finished && !isTrue ? { reason: 'PodCompleted' } : {}),
    };
  };
  const state = running
    ? { running: { startedAt: started } }
    : finished
      ? {
          terminated: {
            reason: phase === 'Succeeded' ? 'Completed' : 'Error',
            exitCode: phase === 'Succeeded' ? 0 : 1,
            startedAt: started,
            finishedAt: isoSeconds(finishedMs),
          },
        }
      : { waiting: { reason: 'ContainerCreating' } };
  return {
    spec: {
      ...t.spec,
      containers: t.spec.containers.map((c) => ({
        ...c,
        volumeMounts: [
          {
            name: API_ACCESS_VOLUME.name,
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
          },
        ],
      })),
      ...(d.node ? { nodeName: d.node } : {}),
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccount: 'default',
      serviceAccountName: 'default',
      tolerations: ['not-ready', 'unreachable'].map((k) => ({
        effect: 'NoExecute',
        key: `node.kubernetes.io/${k}`,
        operator: 'Exists',
        tolerationSeconds: 300,
      })),
      volumes: [API_ACCESS_VOLUME],
    },
    status: {
      phase,
      qosClass: 'Burstable',
      ...(d.node
        ? {
            hostIP: '10.0.0.12',
            hostIPs: [{ ip: '10.0.0.12' }],
            podIP: '10.244.3.17',
            podIPs: [{ ip: '10.244.3.17' }],
          }
        : {}),
      startTime: isoSeconds(o.createdMs + 1000),
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(condition),
      containerStatuses: t.spec.containers.map((c, i) => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${'4f1c9a2e7b3d'.repeat(5)}${String(i).padStart(4, '0')}`,
        containerID: `containerd://${o.uid.replace(/-/g, '')}${'0'.repeat(32)}`.slice(0, 77),
        lastState: {},
        ready: running,
        restartCount: Number(d.restarts ?? 0),
        started: running,
        state,
        volumeMounts: [
          {
            name: API_ACCESS_VOLUME.name,
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
            recursiveReadOnly: 'Disabled',
          },
        ],
      })),
    },
  };
}

/** spec and status of a `full` object: sizes close to what a cluster returns. */
function fullBody(o: SimObject): Record<string, unknown> {
  const d = o.detail;
  const replicas = Number(d.replicas ?? 1);
  switch (o.kind) {
    case 'Pod':
      return fullPod(o);
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
      return {
        spec: {
          replicas,
          selector: { matchLabels: { app: o.labels.app } },
          template: podTemplate(o),
        },
        status: topStatus(o, replicas),
      };
    case 'Job':
      return {
        spec: { backoffLimit: 6, completions: 1, parallelism: 1, template: podTemplate(o) },
        status: topStatus(o, replicas),
      };
    case 'CronJob':
      return {
        spec: {
          schedule: String(d.schedule ?? '*/5 * * * *'),
          concurrencyPolicy: 'Forbid',
          jobTemplate: { spec: { template: podTemplate(o) } },
        },
        status: topStatus(o, replicas),
      };
    default:
      return {};
  }
}
