import { expect } from 'chai';
import { ConfigError } from '../src/errors.js';
import { loadConfigText } from '../src/config/load.js';
import { resolveComponentConfig } from '../src/config/validate.js';
import { fakeReceiver, testComponents } from './fixtures.js';

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(yaml, testComponents(), { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const GOOD = `
receivers:
  fake_events: { count: 2 }
processors:
  fake_spans: {}
exporters:
  sink_a: {}
  sink_a/second: { endpoint: x }
service:
  pipelines:
    traces:
      receivers: [fake_events]
      processors: [fake_spans]
      exporters: [sink_a, sink_a/second]
`;

describe('config validation', () => {
  it('accepts a good config, applies defaults and resolves named instances', () => {
    const config = loadConfigText(GOOD, testComponents(), { env: {} });
    expect(config.pipelines).to.deep.equal([
      {
        id: 'traces',
        receivers: ['fake_events'],
        processors: ['fake_spans'],
        exporters: ['sink_a', 'sink_a/second'],
      },
    ]);
    expect(config.processors.get('fake_spans')?.config).to.deep.equal({ window: '5s' });
    expect(config.exporters.get('sink_a/second')?.factory.type).to.equal('sink_a');
    expect(config.receivers.get('fake_events')?.config).to.deep.equal({ count: 2, namespaces: [] });
  });

  it('names three different mistakes at once, each with its path', () => {
    const problems = problemsOf(`
receivers:
  fake_events: { count: "many", namespaces: [""] }
processors:
  fake_spans: { windw: 5s }
exporters:
  sink_a: {}
service:
  pipelines:
    traces: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a, sink_c] }
`);
    expect(problems).to.have.length(4);
    expect(problems[0]).to.match(/^receivers\.fake_events\.count: must be integer/);
    expect(problems[1]).to.match(
      /^receivers\.fake_events\.namespaces\[0\]: must NOT have fewer than 1 characters/,
    );
    expect(problems[2]).to.match(
      /^processors\.fake_spans\.windw: unknown key \(did you mean "window"\?\)/,
    );
    expect(problems[3]).to.match(
      /^service\.pipelines\.traces\.exporters\[1\]: exporter "sink_c" is not defined under exporters \(did you mean "sink_a"\?\)/,
    );
  });

  it('reports an unknown component type with a did-you-mean', () => {
    const problems = problemsOf(
      GOOD.replace('fake_events: { count: 2 }', 'fake_evnts: { count: 2 }'),
    );
    expect(problems[0]).to.match(
      /^receivers\.fake_evnts: unknown receiver type "fake_evnts" \(did you mean "fake_events"\?\)/,
    );
    expect(
      problems.some((p) =>
        p.startsWith(
          'service.pipelines.traces.receivers[0]: receiver "fake_events" is not defined',
        ),
      ),
    ).to.equal(true);
  });

  it('runs only the extensions listed in service.extensions, and a receiver points only at a listed one', () => {
    const text = GOOD.replace('service:', 'extensions: {}\nservice:\n  extensions: [elector]');
    expect(problemsOf(text)).to.deep.equal([
      'service.extensions[0]: extension "elector" is not defined under extensions',
    ]);
  });

  it('rejects a value of the wrong type', () => {
    const problems = problemsOf(GOOD.replace('count: 2', 'count: [2]'));
    expect(problems).to.deep.equal(['receivers.fake_events.count: must be integer, got [2]']);
  });

  it('rejects a duration that is not one', () => {
    const problems = problemsOf(GOOD.replace('fake_spans: {}', 'fake_spans: { window: soon }'));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(
      /^processors\.fake_spans\.window: invalid value "soon": expected window \(e\.g\. 500ms/,
    );
  });

  it('rejects unknown keys at every level', () => {
    const problems = problemsOf(
      GOOD.replace(
        'service:',
        'connectors: {}\nservice:\n  telemetry: { metrics: { adress: ":8888" } }',
      ),
    );
    expect(problems).to.deep.equal([
      'connectors: unknown key',
      'service.telemetry.metrics.adress: unknown key (did you mean "address"?); allowed: address',
    ]);
  });

  it('reports an env reference to an unset variable and a malformed expansion', () => {
    const problems = problemsOf(
      GOOD.replace('endpoint: x', 'endpoint: "${env:NOPE}"').replace(
        'count: 2',
        'count: "${nope}"',
      ),
    );
    expect(problems).to.include(
      'exporters.sink_a/second.endpoint: environment variable NOPE is not set (give a default with ${env:NOPE:-value})',
    );
    expect(
      problems.some((p) =>
        /^receivers\.fake_events\.count: bad env expansion "\$\{nope\}"/.test(p),
      ),
    ).to.equal(true);
  });

  it('expands env references with defaults, typed when the whole value is one reference', () => {
    const config = loadConfigText(
      GOOD.replace('count: 2', 'count: "${env:COUNT}"').replace(
        'endpoint: x',
        () => 'endpoint: "http://${env:HOST:-localhost}:4318/$${literal}"',
      ),
      testComponents(),
      { env: { COUNT: '7' } },
    );
    expect(config.receivers.get('fake_events')?.config).to.deep.include({ count: 7 });
    expect(config.exporters.get('sink_a/second')?.config).to.deep.include({
      endpoint: 'http://localhost:4318/${literal}',
    });
  });

  it('checks that the stages of a pipeline fit together', () => {
    const problems = problemsOf(GOOD.replace('processors: [fake_spans]', 'processors: []'));
    expect(problems).to.have.length(2);
    expect(problems[0]).to.equal(
      'service.pipelines.traces.exporters[0]: exporter "sink_a" consumes spans, but the pipeline carries k8s_watch here (add the causality processor to turn events into spans)',
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf('receivers:\n  a: [1, 2\nservice: {}\n');
    expect(problems[0]).to.match(/^line \d+, column \d+: YAML: /);
  });

  it('needs a service with pipelines', () => {
    expect(problemsOf('receivers: {}\n')).to.deep.equal([
      'service: missing: a config needs service.pipelines',
    ]);
  });

  it("checks and completes one component's settings the same way, outside a pipeline", () => {
    const given = { count: 4 };
    expect(resolveComponentConfig(fakeReceiver, given)).to.deep.equal({ count: 4, namespaces: [] });
    expect(given, "the caller's object is left as it was").to.deep.equal({ count: 4 });
    try {
      resolveComponentConfig(fakeReceiver, { cout: 4 }, 'receivers.fake_events');
      expect.fail('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
        'receivers.fake_events.cout: unknown key (did you mean "count"?); allowed: count, namespaces',
      ]);
    }
  });
});
