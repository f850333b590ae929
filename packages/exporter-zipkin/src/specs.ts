// `@kspan/exporter-zipkin/config`: the exporter's spec (type, schema, checks) without its runtime,
// for config validation that starts fast (`kspan validate`).
import { checkUrls, type ExporterSpec } from '@kspan/core/config';
import { ZipkinExporterConfigSchema } from './config.js';

export { ZipkinExporterConfigSchema };

export const zipkinExporterSpec: ExporterSpec<typeof ZipkinExporterConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'zipkin',
  stability: 'beta',
  description: 'Sends spans to Zipkin (JSON v2 over HTTP)',
  consumes: 'spans',
  configSchema: ZipkinExporterConfigSchema,
  checkConfig: (config) => checkUrls(config, ['endpoint']),
};
