import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { EMPTY, map } from 'rxjs';
import {
  ConfigError,
  standaloneContext,
  validateConfig,
  type AnyExporterFactory,
  type AnyReceiverFactory,
  type Components,
} from '@kspan/core';
import {
  CausalityConfigSchema,
  builtinRules,
  causality,
  causalityProcessor,
  withDefaults,
} from '../src/index.js';

const receiver: AnyReceiverFactory = {
  kind: 'receiver',
  type: 'fake',
  stability: 'development',
  description: '',
  produces: 'k8s_watch',
  configSchema: Type.Object({}),
  create: () => EMPTY,
};
const exporter: AnyExporterFactory = {
  kind: 'exporter',
  type: 'sink',
  stability: 'development',
  description: '',
  consumes: 'spans',
  configSchema: Type.Object({}),
  create: () =>
    map(() => ({ exporter: 'sink', code: 'success', spans: 0, failedSpans: 0, attempts: 1 })),
};
const components: Components = {
  receivers: [receiver],
  processors: [causalityProcessor],
  exporters: [exporter],
};
const config = (causalityConfig: unknown) => ({
  receivers: { fake: {} },
  processors: { causality: causalityConfig },
  exporters: { sink: {} },
  service: {
    pipelines: { traces: { receivers: ['fake'], processors: ['causality'], exporters: ['sink'] } },
  },
});
const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('config', () => {
  it('declares the factory contract', () => {
    expect(causalityProcessor).to.include({
      kind: 'processor',
      type: 'causality',
      stability: 'beta',
      consumes: 'k8s_watch',
      produces: 'spans',
    });
    expect(causalityProcessor.configSchema).to.equal(CausalityConfigSchema);
    expect(CausalityConfigSchema.additionalProperties).to.equal(false);
  });

  it('validates through the service and applies defaults', () => {
    const resolved = validateConfig(config({ window: '2s' }), components);
    expect(resolved.processors.get('causality')!.config).to.deep.equal({
      window: '2s',
      root_idle: '15s',
      max_root_delay: '10m',
      parent_ttl: '5m',
      tombstone_ttl: '10m',
      trace_idle: '10m',
      dedupe_ttl: '1h',
      max_time_skew: '168h',
      attribute_value_length_limit: 8192,
      traceparent_annotation: 'kspan.io/traceparent',
      builtin_rules: true,
      rules: [],
      max_objects: 500_000,
      max_pending_events: 100_000,
      max_events: 100_000,
      max_traces: 50_000,
      diff: {
        kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'],
        redact_env: true,
        redact_keys: [
          'password',
          'passwd',
          'secret',
          'token',
          'credential',
          'api[-_.]?key',
          'private[-_.]?key',
          'access[-_.]?key',
        ],
        max_length: 512,
        max_spec_length: 16_384,
        max_objects: 10_000,
        max_stored_length: 16_777_216,
      },
    });
    expect(withDefaults({})).to.deep.equal(
      validateConfig(config({}), components).processors.get('causality')!.config,
    );
  });

  it('accepts user rules and reports every mistake in them with its path', () => {
    validateConfig(
      config({
        rules: [
          {
            component: ['rollouts-controller'],
            kind: 'Rollout',
            reason: 'ScalingReplicaSet',
            message: '^Scaled up ReplicaSet (?<name>\\S+)',
            child: 'ReplicaSet',
          },
          { component: 'flux', reason: 'Sync', root: true },
        ],
      }),
      components,
    );
    const found = problems(() =>
      validateConfig(
        config({
          windwo: '1s',
          window: 'five',
          rules: [{ kind: 'Rollout', child: 'replicaset', colour: 'red' }],
        }),
        components,
      ),
    );
    expect(found.join('\n')).to.include('processors.causality.windwo: unknown key');
    expect(found.join('\n')).to.include('processors.causality.window');
    expect(found.join('\n')).to.include('processors.causality.rules[0].colour: unknown key');
    expect(found.join('\n')).to.include('processors.causality.rules[0].child');
  });

  it('rejects rules the schema cannot check at validation: a bad regex, a child without a name group', () => {
    const rules = [
      { reason: 'X', message: '(unclosed', child: 'Pod' },
      { reason: 'Y', message: 'no group', child: 'Pod' },
      { reason: 'Z', message: '(?<a>x)', attributes: { 'my.attr': 'b' } },
      { reason: 'W' },
    ];
    const found = problems(() => validateConfig(config({ rules }), components));
    expect(found).to.have.length(4);
    expect(found[0]).to.match(
      /^processors\.causality\.rules\[0\]\.message: invalid regular expression/,
    );
    expect(found[1]).to.match(
      /^processors\.causality\.rules\[1\]\.message: a rule with `child` needs/,
    );
    expect(found[2]).to.match(/^processors\.causality\.rules\[2\]\.attributes\.my\.attr:/);
    expect(found[3]).to.match(/^processors\.causality\.rules\[3\]: a rule needs/);
    // Embedded, the same check with the same messages.
    expect(problems(() => causality({ rules }))).to.deep.equal(
      found.map((f) => f.replace(/^processors\./, '')),
    );
    // create() given an unchecked config still refuses it before building anything.
    const unchecked = withDefaults({});
    unchecked.rules = rules;
    const ctx = standaloneContext({ id: 'causality/custom' });
    expect(problems(() => causalityProcessor.create(unchecked, ctx))[0]).to.match(
      /^causality\/custom\.rules\[0\]\.message: invalid regular expression/,
    );
  });

  it('causality(options) checks options like a config: the same typo, the same message', () => {
    const embedded = problems(() => causality({ windwo: '1s' } as never));
    const fromFile = problems(() => validateConfig(config({ windwo: '1s' }), components));
    expect(embedded).to.have.length(1);
    expect(embedded[0]).to.match(/^causality\.windwo: unknown key \(did you mean "window"\?\)/);
    expect(fromFile).to.deep.equal(embedded.map((e) => `processors.${e}`));
    expect(() => causality({ window: '1s', service_name: 'kubernetes' })).to.not.throw();
  });

  it('the built-in rules are data and compile', () => {
    expect(builtinRules.length).to.be.above(15);
    expect(() => causality({ rules: [...builtinRules] })).to.not.throw();
    expect(Object.isFrozen(builtinRules)).to.equal(true);
  });
});
