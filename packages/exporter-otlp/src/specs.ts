// `@kspan/exporter-otlp/config`: the exporters' specs (type, schema, checks) without their runtime
// (gRPC, HTTP, encoders), for config validation that starts fast (`kspan validate`).
import { checkUrls, type ExporterSpec } from '@kspan/core/config';
import { FileExporterConfigSchema } from './file/config.js';
import { OtlpGrpcConfigSchema } from './grpc/config.js';
import { OtlpHttpConfigSchema } from './http/config.js';

export { FileExporterConfigSchema, OtlpGrpcConfigSchema, OtlpHttpConfigSchema };

export const otlpExporterSpec: ExporterSpec<typeof OtlpGrpcConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'otlp',
  stability: 'beta',
  description: 'Sends spans to an OTLP/gRPC receiver (Jaeger, the Collector, Tempo, ...)',
  consumes: 'spans',
  configSchema: OtlpGrpcConfigSchema,
};

export const otlpHttpExporterSpec: ExporterSpec<typeof OtlpHttpConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'otlp_http',
  stability: 'beta',
  description: 'Sends spans to an OTLP/HTTP receiver, as protobuf or OTLP/JSON',
  consumes: 'spans',
  configSchema: OtlpHttpConfigSchema,
  checkConfig: (config) => checkUrls(config, ['endpoint', 'traces_endpoint']),
};

export const fileExporterSpec: ExporterSpec<typeof FileExporterConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'file',
  stability: 'beta',
  description:
    'Writes spans as OTLP/JSON lines (the Collector file exporter format) to a file or stdout',
  consumes: 'spans',
  configSchema: FileExporterConfigSchema,
};
