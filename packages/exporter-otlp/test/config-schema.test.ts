import { expect } from 'chai';
import { EMPTY } from 'rxjs';
import { Type } from '@sinclair/typebox';
import { ConfigError, validateConfig, type Components, type ReceiverFactory } from '@kspan/core';
import { fileExporter, otlpExporter, otlpHttpExporter } from '../src/index.js';

// A stand-in receiver so that a whole config validates through the engine's own checks.
const spansIn: ReceiverFactory<ReturnType<typeof Type.Object>, 'spans'> = {
  kind: 'receiver',
  type: 'spans_in',
  stability: 'development',
  description: 'test source',
  produces: 'spans',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => EMPTY,
};
const components: Components = {
  receivers: [spansIn],
  processors: [],
  exporters: [otlpExporter, otlpHttpExporter, fileExporter],
};

function validate(exporters: Record<string, unknown>) {
  return validateConfig(
    {
      receivers: { spans_in: {} },
      exporters,
      service: {
        pipelines: { traces: { receivers: ['spans_in'], exporters: Object.keys(exporters) } },
      },
    },
    components,
  );
}

describe('exporter config schemas through the engine validation', () => {
  it('fills the defaults but leaves env-overridable settings unset', () => {
    const resolved = validate({
      otlp: { endpoint: 'jaeger:4317', tls: { insecure: true } },
      otlp_http: {},
      file: { path: '/tmp/x.jsonl' },
    });
    const otlp = resolved.exporters.get('otlp')!.config as Record<string, unknown>;
    expect(otlp).to.deep.include({ endpoint: 'jaeger:4317' });
    expect(otlp.tls).to.deep.equal({ insecure: true, insecure_skip_verify: false });
    expect(otlp.batch).to.deep.equal({ max_size: 512, timeout: '1s' });
    expect(otlp).not.to.have.property('timeout');
    expect(otlp).not.to.have.property('compression');
    const http = resolved.exporters.get('otlp_http')!.config as Record<string, unknown>;
    expect(http).not.to.have.property('endpoint');
    expect(http).not.to.have.property('encoding');
    expect(resolved.exporters.get('file')!.config).to.deep.include({ path: '/tmp/x.jsonl' });
  });

  it('lists every problem with its path', () => {
    let err: unknown;
    try {
      validate({
        otlp: { endpoint: 'jaeger:4317', tls: { insecure: 'yes', ca: '/x' }, compression: 'zstd' },
        'otlp_http/b': { endpoint: 'jaeger:4318', timeout: 'soon' },
        file: {},
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    const paths = (err as ConfigError).problems.map((p) => p.path);
    expect(paths).to.include.members([
      'exporters.otlp.tls.insecure',
      'exporters.otlp.tls.ca',
      'exporters.otlp.compression',
      'exporters.otlp_http/b.endpoint',
      'exporters.otlp_http/b.timeout',
      'exporters.file',
    ]);
  });
});
