import { isRecord, type KubeObject } from '@kspan/core';
import { CappedMap } from './capped.js';
import { objKey } from './normalize.js';

/** The object an autoscaler scales: its `spec.scaleTargetRef`, in the autoscaler's namespace. */
export interface ScaleTarget {
  kind: string;
  namespace: string;
  name: string;
}

interface Entry {
  key: string;
  target: ScaleTarget;
  stamp: number;
}

/**
 * Which object each autoscaler scales, from the `spec.scaleTargetRef` of the objects watched with
 * their spec (a HorizontalPodAutoscaler; any kind with that field, e.g. a KEDA ScaledObject). A
 * `SuccessfulRescale` names no object — "New size: 3; reason: …" — so this is the only way from
 * the autoscaler's event to the change its write made (a rule's `scale_target`). Keyed by the
 * autoscaler's kind/namespace/name; the newest spec wins. Autoscalers are few: the cap is
 * `max_objects`, its evictions counted with the owner graph's (`cache="objects"`).
 */
export class ScaleTargets {
  private readonly map: CappedMap<Entry>;

  constructor(cap: number, onEvict: () => void) {
    this.map = new CappedMap<Entry>(cap, (e) => e.key, onEvict);
  }

  /** Notes an object item's scale target, if its spec has one (metadata-only objects have none). */
  observe(o: KubeObject): void {
    const ref = isRecord(o.spec) ? o.spec.scaleTargetRef : undefined;
    if (!isRecord(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return;
    const meta = o.metadata;
    if (!ref.kind || !ref.name || typeof o.kind !== 'string' || typeof meta?.name !== 'string')
      return;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
    const key = objKey(o.kind, namespace, meta.name);
    const old = this.map.get(key)?.target;
    if (old && old.kind === ref.kind && old.name === ref.name) return;
    this.map.set({ key, target: { kind: ref.kind, namespace, name: ref.name }, stamp: 0 });
  }

  /** The target of the autoscaler with this object key, if known. */
  of(key: string): ScaleTarget | undefined {
    return this.map.get(key)?.target;
  }
}
