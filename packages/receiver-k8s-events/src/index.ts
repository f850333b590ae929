// Public API of @kspan/receiver-k8s-events.
export { k8sCaptureReceiver, CaptureConfigSchema } from './capture/receiver.js';
export type { CaptureConfig } from './capture/receiver.js';
export { parseCapture, CaptureDecoder } from './capture/decoder.js';
export type { CaptureProblem, CaptureFormat, DecodedItem } from './capture/decoder.js';
export { formatCaptureLine, rfc3339 } from './capture/format.js';
export { captureTo } from './capture/write.js';
export type { CaptureResult } from './capture/write.js';
export { decodeValue, eventTimeOf, observedTimeOf, parseTime } from './capture/normalize.js';
export { LineSplitter } from './stream/line-splitter.js';
export type { NumberedLine } from './stream/line-splitter.js';
export { JsonSplitter } from './stream/json-splitter.js';
export type { JsonSegment, StrayText } from './stream/json-splitter.js';
export { k8sEventsReceiver, k8sEventsStream, EventsConfigSchema } from './k8s/receiver.js';
export type { EventsConfig, EventsStreamOptions } from './k8s/receiver.js';
export { listWatch, ACCEPT_JSON, ACCEPT_METADATA, ACCEPT_METADATA_LIST } from './k8s/list-watch.js';
export type { ListWatchOptions, ListWatchObserver } from './k8s/list-watch.js';
export { kubeTransport, readBody } from './k8s/transport.js';
export type { Transport, TransportRequest, TransportResponse } from './k8s/transport.js';
export { loadKubeConfig } from './k8s/kubeconfig.js';
export type { AuthConfig } from './k8s/kubeconfig.js';
export { HttpError, StaleError, classifyFailure } from './k8s/http-error.js';
export type { FailureClass } from './k8s/http-error.js';
export {
  CORE_EVENTS,
  EVENTS_K8S_IO,
  DEFAULT_OWNER_KINDS,
  DEFAULT_STATUS_KINDS,
  resolveKind,
  resourcePath,
  resourceName,
  groupVersion,
} from './k8s/resource.js';
export type { ResourceRef, OwnerKindConfig } from './k8s/resource.js';
export { ownerMetadata, slimManagedField, DROPPED_ANNOTATIONS } from './k8s/owner-metadata.js';
export {
  objectWithStatus,
  statusFingerprint,
  MAX_SPEC_BYTES,
  MAX_CONDITION_MESSAGE,
} from './k8s/object-with-status.js';
export type { Fingerprint } from './k8s/object-with-status.js';
export { toCoreEvent } from './k8s/event-shape.js';
export { eventFilter, withExcludedNamespaces } from './k8s/filters.js';
export type { EventFilterConfig, DropReason } from './k8s/filters.js';
export {
  k8sLeaderElectorExtension,
  LeaderElectorConfigSchema,
  POD_NAMESPACE_FILE,
} from './leader/extension.js';
export type { LeaderElectorConfig } from './leader/extension.js';
export { LeaderElector, WATERMARK_ANNOTATION } from './leader/elector.js';
export type { ElectorTiming } from './leader/elector.js';
export { kubeLeaseClient, LeaseHttpError } from './leader/lease-client.js';
export type { Lease, LeaseClient, LeaseWrite } from './leader/lease-client.js';
