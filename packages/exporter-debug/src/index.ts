// Public API of @kspan/exporter-debug: the `debug` exporter and the tree renderer it uses.
export {
  debugExporter,
  debugExport,
  DRAWN_EARLY_METRIC,
  CONTINUATIONS_METRIC,
} from './debug-exporter.js';
export { DebugExporterConfigSchema } from './config.js';
export type { DebugExporterConfig } from './config.js';
export { debugExporterSpec } from './specs.js';
export { renderTraces, renderTrace } from './render-tree.js';
export type { RenderOptions } from './render-tree.js';
export { buildTraceTrees, hrTimeToNs } from './span-tree.js';
export type { SpanNode, TraceTree } from './span-tree.js';
