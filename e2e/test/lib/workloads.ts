// Workloads the suite applies. Images are never pulled (KWOK is the kubelet), so any name works.
// Every pod template meets the `restricted` Pod Security level, so the same manifests work in a
// namespace that enforces it.

export const IMAGE_1 = 'registry.local/app:1';
export const IMAGE_2 = 'registry.local/app:2';

const securityContext = {
  runAsNonRoot: true,
  runAsUser: 65532,
  seccompProfile: { type: 'RuntimeDefault' },
};
const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

export function podTemplate(
  app: string,
  image: string,
  opts: { cpu?: string; restartPolicy?: string; compliant?: boolean } = {},
) {
  const compliant = opts.compliant ?? true;
  return {
    metadata: { labels: { app } },
    spec: {
      ...(compliant ? { securityContext } : {}),
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image,
          ...(compliant ? { securityContext: containerSecurity } : {}),
          resources: { requests: { cpu: opts.cpu ?? '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}

export function deployment(
  name: string,
  o: {
    image: string;
    replicas: number;
    maxSurge?: number;
    maxUnavailable?: number;
    minReadySeconds?: number;
    cpu?: string;
    compliant?: boolean;
  },
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: o.replicas,
      minReadySeconds: o.minReadySeconds ?? 0,
      selector: { matchLabels: { app: name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: o.maxSurge ?? 1, maxUnavailable: o.maxUnavailable ?? 0 },
      },
      template: podTemplate(name, o.image, { cpu: o.cpu, compliant: o.compliant }),
    },
  });
}

export function statefulSet(name: string, o: { image: string; replicas: number }): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: o.replicas,
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, o.image),
    },
  });
}

export function cronJob(name: string, o: { image: string; schedule: string }): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: o.schedule,
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          template: podTemplate(name, o.image, { restartPolicy: 'Never' }),
        },
      },
    },
  });
}

export function pod(name: string, o: { image: string }): string {
  const t = podTemplate(name, o.image);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: t.metadata.labels },
    spec: t.spec,
  });
}
