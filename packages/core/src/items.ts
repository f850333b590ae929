import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Kubernetes object metadata, as much of it as kspan reads. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Any Kubernetes object: an Event (either API) or the objects events are about. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * Which cluster a watch event comes from: `k8s.cluster.name` (configured) and `k8s.cluster.uid`
 * (the `kube-system` namespace's uid). One shared object per receiver; absent when neither is known.
 */
export interface ClusterIdentity {
  name?: string;
  uid?: string;
}

/**
 * One Kubernetes watch event with the time the receiver saw it: one line of the capture format,
 * so live and replayed input take the same path.
 */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
  /** RFC 3339 time the watcher received it; absent in some captures. */
  observedAt?: string;
  /** The cluster it was watched in; spans get it as resource attributes and in their trace ids. */
  cluster?: ClusterIdentity;
}

/** What flows along a pipeline at each point; the engine checks that neighbouring stages agree. */
export type SignalKind = 'k8s_watch' | 'spans';

export interface SignalTypes {
  k8s_watch: WatchEvent;
  spans: ReadableSpan;
}

/** The result of one export attempt chain for one batch. Exporters emit these and never throw. */
export interface ExportResult {
  exporter: string;
  code: 'success' | 'failure' | 'dropped';
  /** Spans in the batch. */
  spans: number;
  /** Spans the backend rejected (partial success) or that were dropped/failed. */
  failedSpans: number;
  /** Why spans were lost or held back: `retries_exhausted`, `permanent_error`, `queue_full`, `partial_success`, `too_large`, `shutdown`, `exporter_crashed`, `already_exported` (delivered by an earlier run). */
  reason?: string;
  attempts: number;
  error?: Error;
}
