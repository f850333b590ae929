import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspan, tempDir } from './helpers.js';

/** A config that runs to completion on its own: the demo capture, drawn to stdout. */
const base = {
  receivers: `  k8s_capture: { path: examples/deployment-2-pods.ndjson }`,
  processors: `  causality: { window: 5s }`,
  exporters: `  debug: { verbosity: basic }`,
  pipelines: `    traces: { receivers: [k8s_capture], processors: [causality], exporters: [debug] }`,
  telemetry: `    logs: { level: warn }`,
};
type Parts = typeof base;

const yaml = (p: Parts) => `receivers:
${p.receivers}
processors:
${p.processors}
exporters:
${p.exporters}
service:
  pipelines:
${p.pipelines}
  telemetry:
${p.telemetry}
`;

/** Each: what to change in the good config, and the problem both commands must name. */
const BAD: Array<{ name: string; parts: Partial<Parts>; problem: RegExp }> = [
  {
    name: 'metrics port out of range',
    parts: { telemetry: `    metrics: { address: "127.0.0.1:99999" }` },
    problem: /service\.telemetry\.metrics\.address: port 99999 is out of range/,
  },
  {
    name: 'metrics address that is not one',
    parts: { telemetry: `    metrics: { address: not-an-address }` },
    problem: /service\.telemetry\.metrics\.address: "not-an-address" is not host:port/,
  },
  {
    name: 'the same exporter twice in a pipeline',
    parts: {
      pipelines: `    traces: { receivers: [k8s_capture], processors: [causality], exporters: [debug, debug] }`,
    },
    problem: /service\.pipelines\.traces\.exporters\[1\]: "debug" is listed twice/,
  },
  {
    name: 'a pipeline name that is not traces[/name]',
    parts: {
      pipelines: `    spans: { receivers: [k8s_capture], processors: [causality], exporters: [debug] }`,
    },
    problem: /service\.pipelines\.spans: invalid name/,
  },
  {
    name: 'a causality rule whose regex does not compile',
    parts: {
      processors: `  causality: { rules: [{ reason: X, message: "(?<name>unclosed", child: Pod }] }`,
    },
    problem: /processors\.causality\.rules\[0\]\.message: invalid regular expression/,
  },
  {
    name: 'an unknown key in causality',
    parts: { processors: `  causality: { windwo: 5s }` },
    problem: /processors\.causality\.windwo: unknown key \(did you mean "window"\?\)/,
  },
  {
    name: 'an unknown owner kind',
    parts: {
      receivers: `  k8s_capture: { path: examples/deployment-2-pods.ndjson }\n  k8s_events: { owners: { kinds: [Gadget] } }`,
      pipelines: `    traces: { receivers: [k8s_capture, k8s_events], processors: [causality], exporters: [debug] }`,
    },
    problem: /receivers\.k8s_events\.owners\.kinds\[0\]: unknown kind "Gadget"/,
  },
  {
    name: 'an otlp_http endpoint the schema pattern lets through but that is no URL',
    parts: {
      exporters: `  debug: { verbosity: basic }\n  otlp_http: { endpoint: "http://[::1:4318" }`,
    },
    problem: /exporters\.otlp_http\.endpoint: invalid URL/,
  },
  {
    name: 'a zipkin endpoint with a port out of range',
    parts: {
      exporters: `  debug: { verbosity: basic }\n  zipkin: { endpoint: "http://127.0.0.1:99999/api/v2/spans" }`,
    },
    problem: /exporters\.zipkin\.endpoint: invalid URL/,
  },
  {
    name: 'a choice outside its values',
    parts: { exporters: `  debug: { verbosity: loud }` },
    problem: /exporters\.debug\.verbosity: invalid value "loud": expected one of "basic"/,
  },
];

describe('kspan validate agrees with kspan run', function () {
  this.timeout(120_000);
  const dir = tempDir();
  const write = (name: string, parts: Partial<Parts>) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, yaml({ ...base, ...parts }));
    return file;
  };

  it('both accept the good config (run replays it to the end)', () => {
    const file = write('good', {});
    const validate = kspan(['validate', '--config', file]);
    expect(validate.status, validate.stderr).to.equal(0);
    const run = kspan(['run', '--config', file]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Deployment');
  });

  for (const { name, parts, problem } of BAD) {
    it(`both reject ${name}, with the same message`, () => {
      const file = write(name, parts);
      const validate = kspan(['validate', '--config', file]);
      const run = kspan(['run', '--config', file]);
      expect(validate.status, validate.stderr).to.equal(1);
      expect(validate.stderr).to.match(problem);
      expect(run.status, run.stderr).to.equal(1);
      expect(run.stderr).to.match(problem);
      // run stops at the config check: nothing was started, nothing drawn.
      expect(run.stdout).to.equal('');
    });
  }
});
