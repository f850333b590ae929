// Public API of @kspan/processor-causality: the `causality` processor (Kubernetes events → spans
// joined by cause), its embeddable operator, config schema and built-in rule table.
export { causalityProcessor, causality, causalityOperator, withDefaults } from './processor.js';
export { causalityProcessorSpec } from './specs.js';
export {
  CausalityConfigSchema,
  CausalityRuleSchema,
  checkCausalityConfig,
  type CausalityConfig,
  type CausalityOptions,
} from './config.js';
export { builtinRules, compileRules, RuleTable } from './rules.js';
export type { CausalityRule, CompiledRule, RuleMatch, RuleProblem } from './rules.js';
export { normalizeEvent, objKey } from './normalize.js';
export type { NormEvent, ObjRef, DropReason } from './normalize.js';
export { eventSpanId, changeTraceId, rootSpanId, parseTraceparent } from './ids.js';
export type { RemoteParent } from './ids.js';
export type { ParentVia } from './records.js';
