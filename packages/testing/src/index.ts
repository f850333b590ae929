// Test support for kspan's packages (private, not published): span fixtures, Kubernetes items, the
// conformance data, component contexts, an exporter runner, and real loopback receivers (HTTP,
// OTLP/gRPC) to export to.
export { TRACE_ID, ROOT_ID, RS_ID, POD_ID, T0, hr, makeSpan, sampleTrace } from './spans.js';
export type { SpanSpec } from './spans.js';
export { withDefaults, testContext, FAST_RETRY } from './context.js';
export { exportRunner } from './export-runner.js';
export type { ExportFunction, ExportRun } from './export-runner.js';
export { deadPort } from './dead-port.js';
export { HttpReceiver } from './http-receiver.js';
export type { HttpReceiverOptions, HttpReplyScript, HttpRequestRecord } from './http-receiver.js';
export { traceServiceServer, listenOnLoopback } from './grpc-sink.js';
export type { ExportHandler } from './grpc-sink.js';
export { repoRoot, conformanceDir, kspanCasesDir } from './conformance.js';
export {
  at,
  uid,
  uidOf,
  obj,
  coreEvent,
  newEvent,
  coreViaNewApi,
  condition,
  podStatus,
  deploymentStatus,
} from './k8s-objects.js';
export type { ObjOptions, EventOptions, NewEventOptions } from './k8s-objects.js';
