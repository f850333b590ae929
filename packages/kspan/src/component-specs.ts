import type { AnySpec, ComponentSpecs } from '@kspan/core/config';
import * as receivers from '@kspan/receiver-k8s-events/config';
import * as causality from '@kspan/processor-causality/config';
import * as otlp from '@kspan/exporter-otlp/config';
import * as zipkin from '@kspan/exporter-zipkin/config';
import * as debug from '@kspan/exporter-debug/config';

/** Every spec, in the order of `components.ts` within each kind. */
const ALL: readonly AnySpec[] = [
  receivers.k8sEventsReceiverSpec,
  receivers.k8sCaptureReceiverSpec,
  causality.causalityProcessorSpec,
  otlp.otlpExporterSpec,
  otlp.otlpHttpExporterSpec,
  zipkin.zipkinExporterSpec,
  otlp.fileExporterSpec,
  debug.debugExporterSpec,
  receivers.k8sLeaderElectorSpec,
];

const ofKind = <K extends AnySpec['kind']>(kind: K) =>
  ALL.filter((s): s is Extract<AnySpec, { kind: K }> => s.kind === kind);

/**
 * The specs of every component in `components.ts`, without their runtime: what `validate`,
 * `components` and `print-schema` need, loaded fast (start-up time, issue 15). A unit test checks
 * that this list and `components` name the same components with the same schemas.
 */
export const componentSpecs: ComponentSpecs = {
  receivers: ofKind('receiver'),
  processors: ofKind('processor'),
  exporters: ofKind('exporter'),
  extensions: ofKind('extension'),
};
