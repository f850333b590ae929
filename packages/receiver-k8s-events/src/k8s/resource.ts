/** An API resource to list and watch. */
export interface ResourceRef {
  /** API group, `''` for core. */
  group: string;
  version: string;
  /** Plural resource name in the URL, e.g. `replicasets`. */
  resource: string;
  /** Kind of its objects, e.g. `ReplicaSet`. */
  kind: string;
  namespaced: boolean;
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(ref: ResourceRef): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** `/api/v1/namespaces/ns/pods`, `/apis/apps/v1/deployments`, … */
export function resourcePath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  return ref.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${ref.resource}`
    : `${base}/${ref.resource}`;
}

/** `pods`, `replicasets.apps`: the name kubectl and RBAC use. */
export function resourceName(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}

export const CORE_EVENTS: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
};

export const EVENTS_K8S_IO: ResourceRef = {
  group: 'events.k8s.io',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
};

/** The kinds watched by default: those owner chains run through (metadata only unless status kinds), and HPAs. */
export const DEFAULT_OWNER_KINDS: readonly ResourceRef[] = [
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false },
  // Few objects; their spec names the object a rescale changed (autoscaling/v2: Kubernetes 1.23+).
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
];

/**
 * The owner kinds watched with their status by default: the top-level kinds a change is made to,
 * Pods (issue 11: when a change ended, when a pod became Ready), and HorizontalPodAutoscalers (their
 * `spec.scaleTargetRef`: which object a `SuccessfulRescale` changed).
 */
export const DEFAULT_STATUS_KINDS: readonly string[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'HorizontalPodAutoscaler',
];

/** More well-known kinds a user may name without spelling out group/version/resource. */
const KNOWN_KINDS: readonly ResourceRef[] = [
  ...DEFAULT_OWNER_KINDS,
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
  },
];

/** A kind as written in config: a well-known kind name, or a full description (custom resources). */
export type OwnerKindConfig =
  string | { api_version: string; kind: string; resource?: string; namespaced?: boolean };

/** Resolves a configured kind; throws a RangeError with the reason when it cannot. */
export function resolveKind(k: OwnerKindConfig): ResourceRef {
  if (typeof k === 'string') {
    const found = KNOWN_KINDS.find((r) => r.kind.toLowerCase() === k.toLowerCase());
    if (!found)
      throw new RangeError(
        `unknown kind "${k}": known kinds are ${KNOWN_KINDS.map((r) => r.kind).join(', ')}; describe others as {api_version, kind, resource, namespaced}`,
      );
    return found;
  }
  const slash = k.api_version.lastIndexOf('/');
  const group = slash < 0 ? '' : k.api_version.slice(0, slash);
  const version = slash < 0 ? k.api_version : k.api_version.slice(slash + 1);
  const lower = k.kind.toLowerCase();
  const plural = lower.endsWith('s')
    ? `${lower}es`
    : lower.endsWith('y')
      ? `${lower.slice(0, -1)}ies`
      : `${lower}s`;
  return {
    group,
    version,
    resource: k.resource ?? plural,
    kind: k.kind,
    namespaced: k.namespaced ?? true,
  };
}
