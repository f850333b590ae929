import type { KubeObject, ManagedFieldsEntry, ObjectMeta } from '@kspan/core';

/** Annotations never kept on owner objects: large, and of no use to causality. */
export const DROPPED_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
];

/**
 * Shrinks an owner object to what the causality processor reads, so the stream (and whoever caches
 * it) holds metadata only:
 * - `apiVersion`, `kind`, and from `metadata`: name, namespace, uid, resourceVersion, generation,
 *   creationTimestamp, deletionTimestamp, labels, annotations (except
 *   `kubectl.kubernetes.io/last-applied-configuration`), ownerReferences;
 * - `managedFields`: every entry keeps manager, operation, apiVersion, time and subresource; its
 *   `fieldsV1` is replaced by `{"f:spec": {}}` when the entry touched `spec` (with `fieldsType:
 *   FieldsV1`), and dropped otherwise, so "the newest writer of spec" is still found, without the
 *   field trees;
 * - nothing else (no spec, no status: a metadata-only watch does not send them anyway).
 */
export function ownerMetadata(object: KubeObject): KubeObject {
  const m: ObjectMeta = object.metadata ?? {};
  const meta: ObjectMeta = {};
  for (const key of [
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'labels',
    'ownerReferences',
  ] as const) {
    if (m[key] !== undefined) (meta as Record<string, unknown>)[key] = m[key];
  }
  if (m.annotations) {
    const annotations: Record<string, string> = {};
    let any = false;
    for (const [k, v] of Object.entries(m.annotations)) {
      if (DROPPED_ANNOTATIONS.includes(k)) continue;
      annotations[k] = v;
      any = true;
    }
    if (any) meta.annotations = annotations;
  }
  if (Array.isArray(m.managedFields)) meta.managedFields = m.managedFields.map(slimManagedField);
  const out: KubeObject = { metadata: meta };
  if (object.apiVersion !== undefined) out.apiVersion = object.apiVersion;
  if (object.kind !== undefined) out.kind = object.kind;
  return out;
}

export function slimManagedField(e: ManagedFieldsEntry): ManagedFieldsEntry {
  const out: ManagedFieldsEntry = {};
  if (e.manager !== undefined) out.manager = e.manager;
  if (e.operation !== undefined) out.operation = e.operation;
  if (e.apiVersion !== undefined) out.apiVersion = e.apiVersion;
  if (e.time !== undefined) out.time = e.time;
  if (e.subresource !== undefined) out.subresource = e.subresource;
  if (e.fieldsV1 && typeof e.fieldsV1 === 'object' && 'f:spec' in e.fieldsV1) {
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = { 'f:spec': {} };
  }
  return out;
}
