import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KspanError, parseDuration, type ExtensionFactory } from '@kspan/core';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { LeaderElector } from './elector.js';
import { kubeLeaseClient } from './lease-client.js';
import type { LeaderElectorConfigSchema } from './config.js';
import { k8sLeaderElectorSpec } from '../specs.js';

/** The pod's own namespace, as the service account mount gives it. */
export const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * `k8s_leader_elector`: one active replica among several. Receivers pointing at it
 * (`k8s_leader_elector: <id>`) keep watching on every replica; only the leader's pipeline exports.
 */
export const k8sLeaderElectorExtension: ExtensionFactory<typeof LeaderElectorConfigSchema> = {
  ...k8sLeaderElectorSpec,
  create: (config, ctx) => {
    const timing = {
      leaseDurationMs: parseDuration(config.lease_duration ?? '15s'),
      renewDeadlineMs: parseDuration(config.renew_deadline ?? '10s'),
      retryPeriodMs: parseDuration(config.retry_period ?? '2s'),
      skewMs: parseDuration(config.max_clock_skew ?? '2s'),
      retainMs: parseDuration(config.standby_retention ?? '2m'),
    };
    if (!(
      timing.retryPeriodMs < timing.renewDeadlineMs &&
      timing.renewDeadlineMs < timing.leaseDurationMs
    ))
      throw new KspanError(
        'CONFIG_INVALID',
        `${ctx.id}: needs retry_period < renew_deadline < lease_duration`,
      );
    // The holder identity, as client-go builds it: host name plus a random part, unique per process.
    const identity = `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString('hex')}`;
    const elector = new LeaderElector(
      identity,
      timing,
      ctx.clock,
      ctx.logger,
      ctx.metrics,
      ctx.health,
    );
    return {
      leadership: elector,
      start: async () => {
        const kc = await loadKubeConfig({ in_cluster: config.auth_type === 'serviceAccount' });
        const namespace =
          config.lease_namespace ?? ownNamespace(ctx.id, kc.getContextObject(kc.currentContext));
        const client = kubeLeaseClient(kc, namespace, config.lease_name ?? 'kspan');
        ctx.logger.info('leader election', {
          lease: `${namespace}/${config.lease_name ?? 'kspan'}`,
          identity,
        });
        elector.start(client);
      },
      shutdown: () => elector.shutdown(),
    };
  },
};

/** The namespace kubectl would use: the pod's own, else the kubeconfig context's. */
function ownNamespace(id: string, context: { namespace?: string } | null): string {
  if (existsSync(POD_NAMESPACE_FILE)) return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim();
  if (context?.namespace) return context.namespace;
  throw new KspanError(
    'CONFIG_INVALID',
    `${id}: lease_namespace is not set, this is not a pod (${POD_NAMESPACE_FILE} is missing) and the kubeconfig context names no namespace`,
  );
}
