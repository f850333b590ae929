// The declaration of dist/config-validators.js, which scripts/gen-config-validators.mjs writes at
// build time (ajv standalone code from the config schemas). Loaded by precompiled-checks.ts.
import type { CompiledCheck } from '@kspan/core/config';

/** [schema key (`service`, `receivers/<type>`, …), sha256 of the schema's JSON, its check] */
export declare const checks: ReadonlyArray<readonly [string, string, CompiledCheck]>;
