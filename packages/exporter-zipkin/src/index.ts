// Public API of @kspan/exporter-zipkin: the `zipkin` exporter and its span encoder.
export { zipkinExporter, zipkinExport } from './exporter.js';
export type { ZipkinExportOptions } from './exporter.js';
export { ZipkinExporterConfigSchema } from './config.js';
export type { ZipkinExporterConfig } from './config.js';
export { resolveZipkinSettings, DEFAULT_ZIPKIN_ENDPOINT } from './settings.js';
export type { ZipkinSettings } from './settings.js';
export { encodeZipkinSpans, encodeZipkinSpan } from './encode.js';
export type { ZipkinSpan } from './zipkin-types.js';
export { zipkinExporterSpec } from './specs.js';
