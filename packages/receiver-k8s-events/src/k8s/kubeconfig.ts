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
  // The kubeconfig file(s) read, for messages that name them (none in-cluster).
  let files: string[] = [];
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
      loadFile(kc, auth.kubeconfig);
      files = [auth.kubeconfig];
    } else {
      const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
      const fromEnv = listed.filter((p) => existsSync(p));
      const home = join(env.HOME ?? homedir(), '.kube', 'config');
      if (fromEnv.length > 0) {
        // KUBECONFIG: the files are merged, the first one's current-context wins (as kubectl does).
        loadFile(kc, fromEnv[0] as string);
        for (const f of fromEnv.slice(1)) {
          const more = new KubeConfig();
          loadFile(more, f);
          kc.mergeConfig(more, true);
        }
        files = fromEnv;
      } else if (existsSync(home)) {
        loadFile(kc, home);
        files = [home];
      } else if (env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) kc.loadFromCluster();
      else
        throw new Error(
          `no credentials: ${
            listed.length > 0
              ? `KUBECONFIG (${listed.join(delimiter)}) names no existing file, `
              : ''
          }${home} does not exist and this is not a pod; set auth.kubeconfig or KUBECONFIG, or run in a pod (auth.in_cluster)`,
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
    if (files.length > 0) checkCurrentContext(kc, files.join(delimiter));
    else if (!kc.getCurrentCluster()) throw new Error('the kubeconfig has no current cluster');
  } catch (err) {
    throw new KspanError('CONFIG_READ', `k8s_events: ${errorMessage(err)}`, { cause: err });
  }
  return kc;
}

/** Reads one kubeconfig file; a parse error becomes one line that names the file. */
function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    // The YAML parser's message is several lines (an excerpt with a caret); its first says it all.
    const first = errorMessage(err).split('\n')[0]?.trim() ?? '';
    const isYaml = (err as Error | undefined)?.name?.startsWith('YAML') ?? false;
    throw new Error(
      `kubeconfig ${file}: ${isYaml ? 'not valid YAML' : 'not a valid kubeconfig'}: ${first}`,
      {
        cause: err,
      },
    );
  }
}

/** What is wrong when the current context leads to no cluster, naming the file(s). */
function checkCurrentContext(kc: KubeConfig, source: string): void {
  const name = kc.getCurrentContext();
  const contexts = kc.getContexts().map((c) => c.name);
  const list = `contexts: ${contexts.join(', ') || 'none'}`;
  if (!name)
    throw new Error(
      `kubeconfig ${source}: no current-context (${list}); set auth.context or run kubectl config use-context`,
    );
  const context = kc.getContextObject(name);
  if (!context)
    throw new Error(
      `kubeconfig ${source}: current-context "${name}" is not one of its contexts (${list})`,
    );
  if (!kc.getCurrentCluster())
    throw new Error(
      `kubeconfig ${source}: context "${name}" names cluster "${context.cluster}", which it does not define`,
    );
}
