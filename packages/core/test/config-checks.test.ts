import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { AnyProcessorFactory, Components } from '../src/component.js';
import type { KspanError } from '../src/errors.js';
import { ConfigError } from '../src/errors.js';
import { loadConfigFile, loadConfigText, MAX_CONFIG_BYTES } from '../src/config/load.js';
import { resolveComponentConfig } from '../src/config/validate.js';
import { fakeProcessor, testComponents } from './fixtures.js';

/** A processor whose settings need a check the schema cannot express (a regex that compiles). */
const patternProcessor: AnyProcessorFactory = {
  ...fakeProcessor,
  type: 'pattern',
  configSchema: Type.Object(
    {
      patterns: Type.Array(Type.String(), { default: [] }),
      mode: Type.Union([Type.Literal('fast'), Type.Literal('exact')], {
        default: 'fast',
        description: 'how the patterns are matched',
      }),
    },
    { additionalProperties: false },
  ),
  checkConfig: (config: { patterns: string[] }) =>
    config.patterns.flatMap((p, i) => {
      try {
        new RegExp(p);
        return [];
      } catch {
        return [{ path: `patterns[${i}]`, message: 'invalid regular expression' }];
      }
    }),
};

function components(): Components {
  const c = testComponents();
  return { ...c, processors: [...c.processors, patternProcessor] };
}

function problemsOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    loadConfigText(yaml, components(), { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const pipeline = (extra = '', pipelineExtra = '') => `
receivers: { fake_events: {} }
processors: { fake_spans: {}, pattern: { patterns: ["ok"] } }
exporters: { sink_a: {}, sink_b: {} }
service:
  ${extra}
  pipelines:
    traces: { receivers: [fake_events], processors: [pattern], exporters: [sink_a] }
    ${pipelineExtra}
`;

describe('config checks beyond the schema', () => {
  it("runs a factory's checkConfig with paths, only once its schema passed", () => {
    expect(
      problemsOf(`
receivers: { fake_events: {} }
processors: { pattern: { patterns: ["ok", "(unclosed"] }, pattern/b: { patterns: ["(", 3] } }
exporters: { sink_a: {} }
service:
  pipelines:
    traces: { receivers: [fake_events], processors: [pattern], exporters: [sink_a] }
    traces/b: { receivers: [fake_events], processors: [pattern/b], exporters: [sink_a] }
`),
    ).to.deep.equal([
      'processors.pattern.patterns[1]: invalid regular expression',
      // The schema failed here, so the semantic check did not run on a half-valid value.
      'processors.pattern/b.patterns[1]: must be string, got 3',
    ]);
  });

  it('resolveComponentConfig runs the same check with the same messages', () => {
    let message = '';
    try {
      resolveComponentConfig(patternProcessor, { patterns: ['('] }, 'pattern');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.equal(
      'pattern: 1 problem\n  pattern.patterns[0]: invalid regular expression',
    );
  });

  it('names the allowed values of a choice, not its description', () => {
    expect(
      problemsOf(pipeline().replace('pattern: { patterns: ["ok"] }', 'pattern: { mode: "quick" }')),
    ).to.deep.equal([
      'processors.pattern.mode: invalid value "quick": expected one of "fast", "exact"',
    ]);
  });

  it('rejects a metrics address the telemetry server could not listen on', () => {
    const bad = (address: string) =>
      problemsOf(pipeline(`telemetry: { metrics: { address: "${address}" } }`));
    expect(bad('127.0.0.1:99999')).to.deep.equal([
      'service.telemetry.metrics.address: port 99999 is out of range (0-65535)',
    ]);
    expect(bad('not-an-address')[0]).to.match(
      /^service\.telemetry\.metrics\.address: "not-an-address" is not host:port/,
    );
    expect(bad('::1:9464')[0]).to.match(/write IPv6 addresses in brackets/);
    for (const good of ['127.0.0.1:9464', ':9464', '9464', '[::1]:0', 'localhost:8888', ''])
      expect(bad(good), good).to.deep.equal([]);
  });

  it('rejects a component listed twice in one pipeline (every span would go out twice)', () => {
    expect(
      problemsOf(
        pipeline().replace('exporters: [sink_a] }', 'exporters: [sink_a, sink_b, sink_a] }'),
      ),
    ).to.deep.equal([
      'service.pipelines.traces.exporters[2]: "sink_a" is listed twice in this pipeline',
    ]);
    // Two pipelines may share an exporter.
    expect(
      problemsOf(
        pipeline(
          '',
          'traces/b: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a] }',
        ),
      ),
    ).to.deep.equal([]);
  });

  it('rejects a pipeline whose name is not traces or traces/<name>', () => {
    expect(
      problemsOf(
        pipeline(
          '',
          'logs: { receivers: [fake_events], processors: [fake_spans], exporters: [sink_a] }',
        ),
      ),
    ).to.deep.equal([
      'service.pipelines.logs: invalid name; named pipelines: `traces` or `traces/<name>`',
    ]);
  });

  it('expands ${env:…} in map keys too', () => {
    const config = loadConfigText(
      pipeline().replace('processors: { fake_spans: {},', 'processors: { "${env:P}": {},'),
      components(),
      { env: { P: 'fake_spans' } },
    );
    expect([...config.processors.keys()]).to.include('fake_spans');
    expect(
      problemsOf(
        pipeline().replace('processors: { fake_spans: {},', 'processors: { "${env:NOPE}": {},'),
      ),
    ).to.include(
      'processors.${env:NOPE}: environment variable NOPE is not set (give a default with ${env:NOPE:-value})',
    );
  });
});

describe('config files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kspan-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const readError = async (file: string): Promise<KspanError> => {
    try {
      await loadConfigFile(file, components());
    } catch (err) {
      return err as KspanError;
    }
    throw new Error('expected the config to be refused');
  };

  it('refuses a FIFO at once instead of waiting for a writer', async function () {
    const fifo = join(dir, 'config.yaml');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const err = await readError(fifo);
    expect(err.code).to.equal('CONFIG_READ');
    expect(err.message).to.equal(`cannot read config ${fifo}: not a regular file`);
    expect(Date.now() - started).to.be.below(1000);
    expect((await readError(dir)).message).to.match(/not a regular file$/);
  });

  it('refuses a config larger than the cap before reading it', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const err = await readError(big);
    expect(err.code).to.equal('CONFIG_READ');
    expect(err.message).to.match(/is larger than the 1048576-byte limit for a config$/);
    expect(() => loadConfigText(`# ${'x'.repeat(MAX_CONFIG_BYTES)}`, components())).to.throw(
      ConfigError,
      /limit for a config/,
    );
  });

  it('names a missing file', async () => {
    expect((await readError(join(dir, 'nope.yaml'))).message).to.match(
      /^cannot read config .*nope\.yaml: ENOENT/,
    );
  });
});
