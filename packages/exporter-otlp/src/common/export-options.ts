import type { Env } from '@kspan/core';

/** What an embedder may pass besides the config. */
export interface ExportOptions {
  /** Where `OTEL_EXPORTER_*` variables are read from; the process environment by default. */
  env?: Env;
}
