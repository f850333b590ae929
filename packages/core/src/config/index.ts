// `@kspan/core/config`: what checking a config needs, without the engine (no rxjs, no telemetry),
// so that `kspan validate` and each package's `config` entry point load fast. The root entry
// point exports all of this too.
export { KspanError, ConfigError, errorMessage, formatProblem } from '../errors.js';
// Problems and errors are printed with this (a value from a config may hold control characters).
export { escapeControlChars } from '../terminal-text.js';
export type { KspanErrorCode, ConfigProblem } from '../errors.js';
export { parseDuration, DurationSchema } from '../duration.js';
export {
  SendingSettingsProperties,
  BatchSettingsSchema,
  RetrySettingsSchema,
  QueueSettingsSchema,
  StorageSettingsSchema,
} from '../operators/sending-settings.js';
export type { SendingSettings, StorageSettings } from '../operators/sending-settings.js';
export { parseComponentId } from './component-id.js';
export type { ComponentId } from './component-id.js';
export { expandEnv } from './env.js';
export type { Env } from './env.js';
export { validateConfig, resolveComponentConfig, usePrecompiledChecks } from './validate.js';
export { AJV_OPTIONS } from './schema-check.js';
export type { CompiledCheck } from './schema-check.js';
export { ServiceSchema } from './service-schema.js';
export type {
  ResolvedConfig,
  ResolvedComponent,
  ResolvedPipeline,
  ComponentConfigOwner,
} from './validate.js';
export { loadConfigText, loadConfigFile, MAX_CONFIG_BYTES } from './load.js';
export { parseListenAddress } from './listen-address.js';
export type { ListenAddress } from './listen-address.js';
export { checkUrls } from './url-check.js';
export { DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT } from '../span-limits.js';
export { buildConfigSchema } from './config-schema.js';
export type {
  ComponentSpecs,
  AnySpec,
  ReceiverSpec,
  ProcessorSpec,
  ExporterSpec,
  ExtensionSpec,
  AnyReceiverSpec,
  AnyProcessorSpec,
  AnyExporterSpec,
  AnyExtensionSpec,
} from '../component.js';
