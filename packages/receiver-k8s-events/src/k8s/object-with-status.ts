import { createHash } from 'node:crypto';
import { isRecord, type KubeObject } from '@kspan/core';
import { ownerMetadata } from './owner-metadata.js';

/** A spec whose JSON is longer than this is replaced by `{"kspan.truncated": <bytes>}`. */
export const MAX_SPEC_BYTES = 64 * 1024;
/** Condition messages are cut to this many characters (an ellipsis marks the cut). */
export const MAX_CONDITION_MESSAGE = 256;

const CONDITION_FIELDS = [
  'type',
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'lastUpdateTime',
] as const;

/** The status counts and times kept per kind, besides observedGeneration and conditions. */
const STATUS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Deployment: [
    'replicas',
    'updatedReplicas',
    'readyReplicas',
    'availableReplicas',
    'unavailableReplicas',
  ],
  StatefulSet: [
    'replicas',
    'readyReplicas',
    'currentReplicas',
    'updatedReplicas',
    'availableReplicas',
    'currentRevision',
    'updateRevision',
  ],
  DaemonSet: [
    'desiredNumberScheduled',
    'currentNumberScheduled',
    'updatedNumberScheduled',
    'numberReady',
    'numberAvailable',
    'numberUnavailable',
    'numberMisscheduled',
  ],
  Job: ['startTime', 'completionTime', 'active', 'succeeded', 'failed', 'ready'],
  CronJob: ['lastScheduleTime', 'lastSuccessfulTime'],
  Pod: ['phase', 'startTime'],
  HorizontalPodAutoscaler: ['currentReplicas', 'desiredReplicas', 'lastScaleTime'],
};

/**
 * Kinds whose spec is kept in part: an autoscaler's spec says what it scales and between which
 * bounds (the processor joins its rescales to that object's change); its metrics are not read.
 */
const SPEC_FIELDS: Readonly<Record<string, readonly string[]>> = {
  HorizontalPodAutoscaler: ['scaleTargetRef', 'minReplicas', 'maxReplicas'],
};

/**
 * Shrinks a full object of a `status_kinds` kind to what the causality processor reads (the
 * issue 11 contract, see the package README, "Objects with status"):
 * - `apiVersion`, `kind`, `metadata`: exactly what `ownerMetadata()` keeps;
 * - `spec`, for kinds other than Pod, as the API server returned it (so the processor can diff
 *   generations; the pod template's `restartedAt` annotation is part of it), or
 *   `{"kspan.truncated": <bytes>}` when its JSON is over 64 KiB. A Pod's spec is dropped: nothing
 *   reads it, and it is most of a Pod's size. A HorizontalPodAutoscaler's spec keeps only
 *   `scaleTargetRef`, `minReplicas` and `maxReplicas`.
 * - `status`: observedGeneration, conditions (type, status, reason, message cut to 256 characters,
 *   lastTransitionTime, lastUpdateTime), the kind's counts and times, and for Pods the container
 *   states (name, ready, restartCount, the state's reason and times). Nothing else.
 */
export function objectWithStatus(object: KubeObject): KubeObject {
  const out = ownerMetadata(object);
  const kind = object.kind ?? '';
  if (kind !== 'Pod' && isRecord(object.spec)) {
    const fields = SPEC_FIELDS[kind];
    out.spec = fields ? pick(object.spec, fields) : boundedSpec(object.spec);
  }
  if (isRecord(object.status)) {
    const status = shrinkStatus(kind, object.status);
    if (Object.keys(status).length > 0) out.status = status;
  }
  return out;
}

function boundedSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const bytes = Buffer.byteLength(JSON.stringify(spec));
  return bytes > MAX_SPEC_BYTES ? { 'kspan.truncated': bytes } : spec;
}

function shrinkStatus(kind: string, status: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copy(status, out, ['observedGeneration', ...(STATUS_FIELDS[kind] ?? [])]);
  if (Array.isArray(status.conditions))
    out.conditions = status.conditions.filter(isRecord).map(shrinkCondition);
  if (kind === 'Pod') {
    for (const key of ['containerStatuses', 'initContainerStatuses'] as const) {
      const list = status[key];
      if (Array.isArray(list)) out[key] = list.filter(isRecord).map(shrinkContainerStatus);
    }
  }
  return out;
}

function shrinkCondition(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copy(c, out, CONDITION_FIELDS);
  if (typeof out.message === 'string' && out.message.length > MAX_CONDITION_MESSAGE)
    out.message = out.message.slice(0, MAX_CONDITION_MESSAGE - 1) + '…';
  return out;
}

/** `{name, ready, restartCount, state}` with only the state's reason, exit code and times. */
function shrinkContainerStatus(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copy(c, out, ['name', 'ready', 'restartCount']);
  const state = c.state;
  if (!isRecord(state)) return out;
  if (isRecord(state.waiting)) out.state = { waiting: pick(state.waiting, ['reason']) };
  else if (isRecord(state.running)) out.state = { running: pick(state.running, ['startedAt']) };
  else if (isRecord(state.terminated))
    out.state = {
      terminated: pick(state.terminated, ['reason', 'exitCode', 'startedAt', 'finishedAt']),
    };
  return out;
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copy(from, out, keys);
  return out;
}

function copy(from: Record<string, unknown>, to: Record<string, unknown>, keys: readonly string[]) {
  for (const key of keys) if (from[key] !== undefined) to[key] = from[key];
}

/** A digest of an object's shrunk form: two integers below 2^30 (60 bits of SHA-1). */
export type Fingerprint = readonly [number, number];

/**
 * What makes two shrunk forms "the same" for the unchanged-MODIFIED check: the object without
 * `metadata.resourceVersion` and `metadata.managedFields` (both move on every status write, even
 * one whose kept fields are all unchanged). 60 bits of its SHA-1, as two small integers, are what
 * the dedupe table holds per object: V8 keeps them inside the entry (no string, no number box), so
 * a Pod costs a few bytes more than metadata-only (measured: `pnpm bench`, heap figure).
 */
export function statusFingerprint(object: KubeObject): Fingerprint {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = object.metadata ?? {};
  const digest = createHash('sha1')
    .update(JSON.stringify({ ...object, metadata: meta }))
    .digest();
  return [digest.readUInt32BE(0) >>> 2, digest.readUInt32BE(4) >>> 2];
}
