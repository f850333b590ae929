import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema } from '@kspan/core/config';
import { DEFAULT_OWNER_KINDS, DEFAULT_STATUS_KINDS } from './resource.js';

const StringList = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { default: [], description });

const OwnerKindSchema = Type.Union([
  Type.String({ minLength: 1, description: 'a well-known kind: Deployment, Pod, Node, …' }),
  Type.Object(
    {
      api_version: Type.String({ minLength: 1, description: 'e.g. example.com/v1' }),
      kind: Type.String({ minLength: 1 }),
      resource: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'plural in the URL; default: lower-case kind + s',
        }),
      ),
      namespaced: Type.Optional(Type.Boolean({ default: true })),
    },
    { additionalProperties: false },
  ),
]);

export const EventsConfigSchema = Type.Object(
  {
    api: Type.Union([Type.Literal('core'), Type.Literal('events')], {
      default: 'core',
      description:
        'Event API to watch: `core` (core/v1 events) or `events` (events.k8s.io/v1). Both are one stored object; items are emitted in the core/v1 shape either way.',
    }),
    cluster_name: Type.String({
      default: '',
      description:
        'k8s.cluster.name on every span, e.g. `${env:CLUSTER_NAME}` (k8s.cluster.uid is read from the kube-system namespace)',
    }),
    max_age: DurationSchema(
      '5m',
      'On start (and on a relist), Events last seen longer ago than this before the start are not replayed',
    ),
    namespaces: StringList('Only these namespaces (empty: all)'),
    exclude_namespaces: StringList('Never these namespaces'),
    event_types: StringList('Only these Event types, e.g. [Warning] (empty: all)'),
    reasons: StringList('Only these reasons, e.g. [Scheduled, Pulled] (empty: all)'),
    involved_kinds: StringList('Only Events about these kinds, e.g. [Pod] (empty: all)'),
    label_selector: Type.String({
      default: '',
      description: 'Label selector for Events (server-side)',
    }),
    field_selector: Type.String({
      default: '',
      description: 'Field selector for Events (server-side), e.g. `involvedObject.kind=Pod`',
    }),
    owners: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'Watch the kinds owner chains run through, and HorizontalPodAutoscalers (what each scales) (metadata only, except status_kinds)',
        }),
        kinds: Type.Array(OwnerKindSchema, {
          default: DEFAULT_OWNER_KINDS.map((k) => k.kind),
          description:
            'Kinds to watch: well-known names, or {api_version, kind, resource, namespaced} for custom resources',
        }),
        status_kinds: Type.Array(Type.String({ minLength: 1 }), {
          default: [...DEFAULT_STATUS_KINDS],
          description:
            'Of the watched kinds, those watched as full objects, kept with their status (and, except Pods, spec; of an HPA only scaleTargetRef, minReplicas, maxReplicas): conditions, counts, container states. [] = all metadata only',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        kubeconfig: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)',
          }),
        ),
        context: Type.Optional(Type.String({ minLength: 1, description: 'kubeconfig context' })),
        in_cluster: Type.Boolean({ default: false, description: "Use the pod's service account" }),
      },
      { additionalProperties: false, default: {} },
    ),
    watch: Type.Object(
      {
        timeout: DurationSchema(
          '30s',
          'Each watch request is ended by the API server after this long and resumed from its resourceVersion (keep below stale_after)',
        ),
        stale_after: DurationSchema(
          '45s',
          'A list or watch on which nothing arrives for this long is presumed dead and reconnected',
        ),
        backoff_initial: DurationSchema('1s', 'First retry delay after a failure (jittered)'),
        backoff_max: DurationSchema('30s', 'Largest retry delay'),
        page_size: Type.Integer({ minimum: 1, default: 500, description: 'Items per list page' }),
        dedupe_capacity: Type.Integer({
          minimum: 1,
          default: 100_000,
          description:
            'uid → resourceVersion entries kept per watch for dedupe (LRU, evictions counted)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    k8s_leader_elector: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'id of a k8s_leader_elector extension: every replica watches, only the leader exports',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventsConfig = Static<typeof EventsConfigSchema>;
