import type { Components } from '@kspan/core';
import {
  k8sCaptureReceiver,
  k8sEventsReceiver,
  k8sLeaderElectorExtension,
} from '@kspan/receiver-k8s-events';
import { causalityProcessor } from '@kspan/processor-causality';
import { fileExporter, otlpExporter, otlpHttpExporter } from '@kspan/exporter-otlp';
import { zipkinExporter } from '@kspan/exporter-zipkin';
import { debugExporter } from '@kspan/exporter-debug';

/** Every component this distribution offers, listed explicitly (nothing registers itself on import). */
export const components: Components = {
  receivers: [k8sEventsReceiver, k8sCaptureReceiver],
  processors: [causalityProcessor],
  exporters: [otlpExporter, otlpHttpExporter, zipkinExporter, fileExporter, debugExporter],
  extensions: [k8sLeaderElectorExtension],
};
