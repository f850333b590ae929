// Public API of @kspan/exporter-otlp: the `otlp` (gRPC), `otlp_http` and `file` exporters, and the
// OTLP encoders the CLI and the benchmarks use.
export { otlpExporter, otlpGrpcExport } from './grpc/exporter.js';
export { OtlpGrpcConfigSchema } from './grpc/config.js';
export type { OtlpGrpcConfig } from './grpc/config.js';
export { resolveOtlpGrpcSettings } from './grpc/settings.js';
export type { OtlpGrpcSettings } from './grpc/settings.js';

export { otlpHttpExporter, otlpHttpExport } from './http/exporter.js';
export { OtlpHttpConfigSchema } from './http/config.js';
export type { OtlpHttpConfig } from './http/config.js';
export { resolveOtlpHttpSettings } from './http/settings.js';
export type { OtlpHttpSettings } from './http/settings.js';

export { fileExporter, fileExport } from './file/exporter.js';
export { FileExporterConfigSchema } from './file/config.js';
export type { FileExporterConfig } from './file/config.js';
export type { LineSink } from './file/line-sink.js';
export { STDOUT_CLOSED_EVENT } from './file/line-sink.js';

export {
  encodeOtlpJson,
  encodeOtlpJsonBytes,
  encodeOtlpJsonLine,
  encodeOtlpProtobuf,
} from './encode.js';
export type * from './otlp-json-types.js';
export type { ExportOptions } from './common/export-options.js';
export { otlpExporterSpec, otlpHttpExporterSpec, fileExporterSpec } from './specs.js';
