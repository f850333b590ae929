import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KspanError, errorMessage } from '@kspan/core';

export interface AuthConfig {
  /** Path of a kubeconfig file; default: `KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  kubeconfig?: string;
  /** Context of the kubeconfig to use; default: its current-context. */
  context?: string;
  /** Use the pod's service account (token, CA and `KUBERNETES_SERVICE_HOST/PORT`). */
  in_cluster?: boolean;
}

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads credentials: in-cluster service account, a kubeconfig file and context, or the usual
 * defaults (`KUBECONFIG`, `~/.kube/config`, in-cluster when `KUBERNETES_SERVICE_HOST` is set).
 * Throws `KspanError` CONFIG_READ with the reason when none is usable (rather than falling back
 * to `http://localhost:8080` as client-node does).
 */
export async function loadKubeConfig(
  auth: AuthConfig = {},
  env = process.env,
): Promise<KubeConfig> {
  // Imported here, not at the top: the client library takes about a second to load, which every
  // kspan command would otherwise pay, live receiver or not.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (auth.in_cluster) {
      if (!env.KUBERNETES_SERVICE_HOST || !existsSync(SA_TOKEN))
        throw new Error(
          'auth.in_cluster: not running in a pod (KUBERNETES_SERVICE_HOST or the service account token is missing)',
        );
      kc.loadFromCluster();
    } else if (auth.kubeconfig) {
      if (!existsSync(auth.kubeconfig))
        throw new Error(`kubeconfig ${auth.kubeconfig}: no such file`);
      kc.loadFromFile(auth.kubeconfig);
    } else {
      const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p && existsSync(p));
      const home = join(homedir(), '.kube', 'config');
      if (fromEnv.length > 0) {
        // KUBECONFIG: the files are merged, the first one's current-context wins (as kubectl does).
        kc.loadFromFile(fromEnv[0] as string);
        for (const f of fromEnv.slice(1)) {
          const more = new KubeConfig();
          more.loadFromFile(f);
          kc.mergeConfig(more, true);
        }
      } else if (existsSync(home)) kc.loadFromFile(home);
      else if (env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) kc.loadFromCluster();
      else
        throw new Error(
          'no credentials: set auth.kubeconfig or KUBECONFIG, create ~/.kube/config, or run in a pod (auth.in_cluster)',
        );
    }
    if (auth.context) {
      if (!kc.getContexts().some((c) => c.name === auth.context))
        throw new Error(
          `context "${auth.context}" not found (contexts: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          })`,
        );
      kc.setCurrentContext(auth.context);
    }
    if (!kc.getCurrentCluster()) throw new Error('the kubeconfig has no current cluster');
  } catch (err) {
    throw new KspanError('CONFIG_READ', `k8s_events: ${errorMessage(err)}`, { cause: err });
  }
  return kc;
}
