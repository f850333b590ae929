import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, WatchEvent } from '@kspan/core';
import { coreEvent as buildCoreEvent, kspanCasesDir } from '@kspan/testing';

export { kspanCasesDir } from '@kspan/testing';

export function conformanceCases(): Array<{ name: string; capture: string }> {
  const dir = kspanCasesDir();
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'capture.ndjson')))
    .sort()
    .map((name) => ({ name, capture: join(dir, name, 'capture.ndjson') }));
}

/** A core/v1 kubelet Event about pod `p`, named `name`, at `lastTimestamp` (RFC 3339). */
export function coreEvent(
  name: string,
  reason: string,
  lastTimestamp: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  const { object } = buildCoreEvent({
    name,
    uid: `uid-${name}`,
    resourceVersion: '1',
    on: { kind: 'Pod', name: 'p', uid: 'pod-uid' },
    reason,
    message: `${reason} happened`,
    component: 'kubelet',
    time: lastTimestamp,
  });
  return { ...object, ...extra };
}

export function line(ev: WatchEvent): string {
  return JSON.stringify(ev);
}
