import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema } from '@kspan/core/config';

export const LeaderElectorConfigSchema = Type.Object(
  {
    lease_name: Type.String({ minLength: 1, default: 'kspan', description: 'Name of the Lease' }),
    lease_namespace: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Namespace of the Lease; default: the pod's own, else the kubeconfig context's namespace",
      }),
    ),
    lease_duration: DurationSchema('15s', 'How long a Lease not renewed stays held'),
    renew_deadline: DurationSchema('10s', 'A leader that could not renew for this long stands by'),
    retry_period: DurationSchema(
      '2s',
      'How often the leader renews and a standby tries to take over',
    ),
    auth_type: Type.Union([Type.Literal('kubeConfig'), Type.Literal('serviceAccount')], {
      default: 'kubeConfig',
      description:
        "serviceAccount: the pod's; kubeConfig: KUBECONFIG, ~/.kube/config, then in-cluster",
    }),
    max_clock_skew: DurationSchema(
      '2s',
      'Largest clock difference between replicas the export watermark tolerates',
    ),
    standby_retention: DurationSchema(
      '2m',
      'How long a standby keeps the spans it did not export, for a takeover',
    ),
  },
  { additionalProperties: false },
);
export type LeaderElectorConfig = Static<typeof LeaderElectorConfigSchema>;
