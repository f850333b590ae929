// Public API of @kspan/exporter-debug: the `debug` exporter and the tree renderer it uses.
export { debugExporter, debugExport, DebugExporterConfigSchema } from './debug-exporter.js';
export type { DebugExporterConfig } from './debug-exporter.js';
export { renderTraces, renderTrace } from './render-tree.js';
export type { RenderOptions } from './render-tree.js';
export { buildTraceTrees, hrTimeToNs } from './span-tree.js';
export type { SpanNode, TraceTree } from './span-tree.js';
