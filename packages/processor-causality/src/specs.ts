// `@kspan/processor-causality/config`: the processor's spec (type, schema, checks) without the
// engine, for config validation that starts fast (`kspan validate`).
import type { ProcessorSpec } from '@kspan/core/config';
import { CausalityConfigSchema, checkCausalityConfig } from './config.js';

export { CausalityConfigSchema };

export const causalityProcessorSpec: ProcessorSpec<
  typeof CausalityConfigSchema,
  'k8s_watch',
  'spans'
> = {
  kind: 'processor',
  type: 'causality',
  stability: 'beta',
  description:
    'Joins Kubernetes events into traces by cause (owner graph, rules on messages, one trace per change) and emits them as spans',
  consumes: 'k8s_watch',
  produces: 'spans',
  configSchema: CausalityConfigSchema,
  checkConfig: checkCausalityConfig,
};
