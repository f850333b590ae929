import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { KubeObject, WatchEvent } from '@kspan/core';

/** The repository root: the nearest directory up from here holding pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (pnpm-workspace.yaml) not found');
    dir = up;
  }
  return dir;
}

/** `<repo>/../shared/conformance/kspan`, or KSPAN_CONFORMANCE_DIR (the `conformance` dir or its `kspan` dir). */
export function conformanceDir(): string {
  const env = process.env.KSPAN_CONFORMANCE_DIR;
  const base = env ? resolve(env) : resolve(repoRoot(), '..', 'shared', 'conformance');
  return existsSync(join(base, 'kspan')) ? join(base, 'kspan') : base;
}

export function conformanceCases(): Array<{ name: string; capture: string }> {
  const dir = conformanceDir();
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'capture.ndjson')))
    .sort()
    .map((name) => ({ name, capture: join(dir, name, 'capture.ndjson') }));
}

export function coreEvent(
  name: string,
  reason: string,
  lastTimestamp: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'pod-uid' },
    reason,
    message: `${reason} happened`,
    type: 'Normal',
    source: { component: 'kubelet' },
    lastTimestamp,
    ...extra,
  };
}

export function line(ev: WatchEvent): string {
  return JSON.stringify(ev);
}
