// `@kspan/exporter-debug/config`: the exporter's spec (type, schema) without its runtime, for config
// validation that starts fast (`kspan validate`).
import type { ExporterSpec } from '@kspan/core/config';
import { DebugExporterConfigSchema, type DebugExporterConfig } from './config.js';

export { DebugExporterConfigSchema, type DebugExporterConfig };

export const debugExporterSpec: ExporterSpec<typeof DebugExporterConfigSchema, 'spans'> = {
  kind: 'exporter',
  type: 'debug',
  stability: 'beta',
  description: 'Draws traces as indented trees in the terminal',
  consumes: 'spans',
  configSchema: DebugExporterConfigSchema,
};
