// `@kspan/receiver-k8s-events/config`: the specs (type, schema, checks) of this package's
// components without their runtime (HTTP, watches, decoder), for config validation that starts
// fast (`kspan validate`).
import type { ExtensionSpec, ReceiverSpec } from '@kspan/core/config';
import { CaptureConfigSchema } from './capture/config.js';
import { EventsConfigSchema } from './k8s/config.js';
import { ownerKindsOf } from './k8s/owner-kinds.js';
import { LeaderElectorConfigSchema } from './leader/config.js';

export { CaptureConfigSchema, EventsConfigSchema, LeaderElectorConfigSchema };

export const k8sEventsReceiverSpec: ReceiverSpec<typeof EventsConfigSchema, 'k8s_watch'> = {
  kind: 'receiver',
  type: 'k8s_events',
  stability: 'beta',
  description:
    'Watches Kubernetes Events (core/v1 or events.k8s.io/v1) and the objects owner chains run through (metadata, and for status_kinds their status)',
  produces: 'k8s_watch',
  configSchema: EventsConfigSchema,
  checkConfig: (config) => ownerKindsOf(config.owners).problems,
  leaderElectorOf: (config) => config.k8s_leader_elector,
};

export const k8sCaptureReceiverSpec: ReceiverSpec<typeof CaptureConfigSchema, 'k8s_watch'> = {
  kind: 'receiver',
  type: 'k8s_capture',
  stability: 'beta',
  description:
    'Replays a capture file (kspan capture, kubectl get -o json, kubectl get --watch -o json) as a watch stream',
  produces: 'k8s_watch',
  configSchema: CaptureConfigSchema,
};

export const k8sLeaderElectorSpec: ExtensionSpec<typeof LeaderElectorConfigSchema> = {
  kind: 'extension',
  type: 'k8s_leader_elector',
  stability: 'alpha',
  description:
    'Leader election on a coordination.k8s.io/v1 Lease; pipelines of receivers pointing at it export only on the leader',
  configSchema: LeaderElectorConfigSchema,
};
