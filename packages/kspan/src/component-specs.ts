import type { ComponentSpecs } from '@kspan/core/config';
import {
  k8sCaptureReceiverSpec,
  k8sEventsReceiverSpec,
  k8sLeaderElectorSpec,
} from '@kspan/receiver-k8s-events/config';
import { causalityProcessorSpec } from '@kspan/processor-causality/config';
import {
  fileExporterSpec,
  otlpExporterSpec,
  otlpHttpExporterSpec,
} from '@kspan/exporter-otlp/config';
import { zipkinExporterSpec } from '@kspan/exporter-zipkin/config';
import { debugExporterSpec } from '@kspan/exporter-debug/config';

/**
 * The specs of every component in `components.ts` (same order), without their runtime: what
 * `validate`, `components` and `print-schema` need, loaded fast (start-up time, issue 15). A unit
 * test checks that this list and `components` name the same components with the same schemas.
 */
export const componentSpecs: ComponentSpecs = {
  receivers: [k8sEventsReceiverSpec, k8sCaptureReceiverSpec],
  processors: [causalityProcessorSpec],
  exporters: [
    otlpExporterSpec,
    otlpHttpExporterSpec,
    zipkinExporterSpec,
    fileExporterSpec,
    debugExporterSpec,
  ],
  extensions: [k8sLeaderElectorSpec],
};
