import { Type, type Static } from '@sinclair/typebox';
import {
  ConfigError,
  DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  DurationSchema,
  parseDuration,
  type ConfigProblem,
} from '@kspan/core/config';
import { builtinRules, compileRules, type CausalityRule, type CompiledRule } from './rules.js';
import { DiffConfigSchema, checkDiffConfig, diffSettings } from './diff-config.js';
import type { DiffSettings } from './spec-compact.js';

const OneOrMany = (description: string) =>
  Type.Union(
    [Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })],
    {
      description: `${description} (one value or a list; absent: any)`,
    },
  );

/** One user rule in the config; see README "Rules". */
export const CausalityRuleSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({ description: 'a name for the rule, for docs and debugging' }),
    ),
    component: Type.Optional(
      OneOrMany('reporting component: `source.component` or `reportingController`'),
    ),
    kind: Type.Optional(OneOrMany('kind of the object the event is about')),
    reason: Type.Optional(OneOrMany('event reason')),
    message: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'JavaScript regular expression on the message; named groups: `name` (the child), `namespace`, and any used by `attributes`',
      }),
    ),
    child: Type.Optional(
      Type.String({
        pattern: '^[A-Z][A-Za-z0-9]*$',
        description:
          'kind of the object the message names; its events become children of this event',
      }),
    ),
    root: Type.Optional(
      Type.Boolean({
        description:
          'the event starts a change (e.g. a GitOps sync): it becomes the root span of the trace',
      }),
    ),
    observer: Type.Optional(
      Type.Boolean({
        description:
          'with `child`: the event only reports on the named object (it joins its trace but is no parent of its events)',
      }),
    ),
    scale_target: Type.Optional(
      Type.Boolean({
        description:
          "with `root`: the change is that of the object the event's object scales (its `spec.scaleTargetRef`, e.g. an HPA's target), not its own",
      }),
    ),
    attributes: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
        {
          description: 'span attribute name → named group of the message pattern',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CausalityConfigSchema = Type.Object(
  {
    window: DurationSchema(
      '5s',
      'how long an event waits for its parent; then it is attached by owner chain or starts a trace',
    ),
    root_idle: DurationSchema(
      '15s',
      'a change’s root span (synthesised, or a top-level event such as Flux `Sync`) goes out once the change has had no new event for this long, so it spans its children',
    ),
    max_root_delay: DurationSchema(
      '10m',
      'a change’s root span goes out at the latest this long after the change’s first event (marked unfinished when its status has not said it ended); a span waiting for its end (a Pod becoming Ready, an image pull) waits at most this long',
    ),
    parent_ttl: DurationSchema(
      '5m',
      'how long an event can still be found as the parent of later ones',
    ),
    tombstone_ttl: DurationSchema(
      '10m',
      'how long a deleted object is kept so that its late events still resolve their owners',
    ),
    trace_idle: DurationSchema(
      '10m',
      'a change quiet for this long is closed: later activity on the same generation starts a new trace',
    ),
    dedupe_ttl: DurationSchema(
      '1h',
      'how long an event’s count is remembered, so a re-listed event makes no second span (the API server keeps events 1h)',
    ),
    max_time_skew: DurationSchema(
      '168h',
      'an event whose time is further than this from when it was observed (a node clock years off, a 1970 or 9999 date) is dropped and counted (`reason="implausible_time"`); times outside 2000–2200 always are',
    ),
    service_name: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'one fixed `service.name` for every span (default: the reporting component; it is always also in `k8s.event.reporting_component`)',
      }),
    ),
    attribute_value_length_limit: Type.Integer({
      minimum: 1,
      default: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
      description:
        'longest string attribute value (and status message) in characters, as the OpenTelemetry SDK’s limit: longer ones (a huge event message) are cut and counted',
    }),
    traceparent_annotation: Type.String({
      minLength: 1,
      default: 'kspan.io/traceparent',
      description:
        'annotation on a top-level object holding a W3C traceparent: the change’s trace continues that trace (e.g. a CI pipeline’s)',
    }),
    builtin_rules: Type.Boolean({
      default: true,
      description:
        'use kspan’s built-in rules (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, scheduler, kubelet)',
    }),
    rules: Type.Array(CausalityRuleSchema, {
      default: [],
      description:
        'rules for other controllers (Flux, Argo Rollouts, …), tried before the built-in ones',
    }),
    max_objects: Type.Integer({
      minimum: 1,
      // 150k pods bring ~206k objects with their ReplicaSets and Deployments; at ~450 B each,
      // 500k objects is about 225 MB of heap.
      default: 500_000,
      description:
        'objects kept in the owner graph (about 450 B each); beyond it the least recently seen are evicted and counted',
    }),
    max_pending_events: Type.Integer({
      minimum: 1,
      default: 100_000,
      description: 'events waiting in their window; beyond it the oldest are released early',
    }),
    max_events: Type.Integer({
      minimum: 1,
      default: 100_000,
      description: 'recent events (and object timelines) kept to find parents and fold repeats',
    }),
    max_traces: Type.Integer({
      minimum: 1,
      default: 50_000,
      description: 'changes (traces) in progress',
    }),
    diff: DiffConfigSchema,
  },
  { additionalProperties: false },
);

/** The processor's config, as validated (defaults applied). */
export type CausalityConfig = Static<typeof CausalityConfigSchema>;
/** What `causality(options)` takes: any subset of the config (of `diff` too). */
export type CausalityOptions = Partial<Omit<CausalityConfig, 'diff'>> & {
  diff?: Partial<CausalityConfig['diff']>;
};

/** The config in the units the engine works in (µs) with the rules compiled. */
export interface ResolvedOptions {
  windowUs: number;
  rootIdleUs: number;
  maxRootDelayUs: number;
  parentTtlUs: number;
  tombstoneTtlUs: number;
  traceIdleUs: number;
  dedupeTtlUs: number;
  maxTimeSkewUs: number;
  serviceName: string | undefined;
  traceparentAnnotation: string;
  rules: CompiledRule[];
  maxObjects: number;
  maxPendingEvents: number;
  maxEvents: number;
  maxTraces: number;
  diff: DiffSettings;
}

/** What the schema cannot check: each user rule compiles (regex, groups), with its path; so do `diff.redact_keys`. */
export function checkCausalityConfig(config: CausalityConfig): ConfigProblem[] {
  const problems = compileRules(config.rules as CausalityRule[]).problems.map((p) => ({
    path: `rules${p.path}`,
    message: p.message,
  }));
  return [...problems, ...checkDiffConfig(config.diff)];
}

/**
 * Turns a checked config into engine options. A config that skipped the check (create() called
 * directly) still gets its rule problems as a ConfigError rather than a half-built engine.
 */
export function resolveOptions(config: CausalityConfig, source = 'causality'): ResolvedOptions {
  const userRules = config.rules as CausalityRule[];
  const problems = checkCausalityConfig(config).map((p) => ({
    path: `${source}.${p.path}`,
    message: p.message,
  }));
  if (problems.length > 0) throw new ConfigError(problems, source);
  const all = compileRules([...userRules, ...(config.builtin_rules ? builtinRules : [])]).rules;
  const us = (d: string | number) => parseDuration(d) * 1000;
  return {
    windowUs: us(config.window),
    rootIdleUs: us(config.root_idle),
    maxRootDelayUs: us(config.max_root_delay),
    parentTtlUs: us(config.parent_ttl),
    tombstoneTtlUs: us(config.tombstone_ttl),
    traceIdleUs: us(config.trace_idle),
    dedupeTtlUs: us(config.dedupe_ttl),
    maxTimeSkewUs: us(config.max_time_skew),
    serviceName: config.service_name,
    traceparentAnnotation: config.traceparent_annotation,
    rules: all,
    maxObjects: config.max_objects,
    maxPendingEvents: config.max_pending_events,
    maxEvents: config.max_events,
    maxTraces: config.max_traces,
    diff: diffSettings(config.diff),
  };
}
