import { expect } from 'chai';
import {
  OtlpGrpcConfigSchema,
  OtlpHttpConfigSchema,
  resolveOtlpGrpcSettings,
  resolveOtlpHttpSettings,
} from '../src/index.js';
import { withDefaults } from '@kspan/testing';

const grpc = (
  config: Record<string, unknown>,
  env: Record<string, string>,
  warn?: (m: string) => void,
) => resolveOtlpGrpcSettings(withDefaults(OtlpGrpcConfigSchema, config), env, warn);
const http = (config: Record<string, unknown>, env: Record<string, string>) =>
  resolveOtlpHttpSettings(withDefaults(OtlpHttpConfigSchema, config), env);

describe('otlp settings: config over OTEL_EXPORTER_OTLP_TRACES_* over OTEL_EXPORTER_OTLP_* over defaults', () => {
  it('uses the defaults when neither config nor env says anything', () => {
    const s = grpc({}, {});
    expect(s).to.deep.include({
      endpoint: 'http://localhost:4317',
      target: 'localhost:4317',
      secure: false,
      headers: {},
      timeoutMs: 10_000,
      compression: 'none',
    });
  });

  it('takes the generic variables when nothing more specific is set', () => {
    const s = grpc(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4317',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc,tenant=team%20a',
        OTEL_EXPORTER_OTLP_CERTIFICATE: '/etc/ca.pem',
      },
    );
    expect(s).to.deep.include({
      target: 'collector.example:4317',
      secure: true,
      timeoutMs: 2500,
      compression: 'gzip',
      headers: { 'api-key': 'abc', tenant: 'team a' },
    });
    expect(s.tls.caFile).to.equal('/etc/ca.pem');
  });

  it('prefers the traces-specific variables over the generic ones', () => {
    const s = grpc(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4317',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4317',
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=generic,b=generic',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces',
        OTEL_EXPORTER_OTLP_CLIENT_KEY: '/generic.key',
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/traces.key',
      },
    );
    expect(s.target).to.equal('traces:4317');
    expect(s.timeoutMs).to.equal(2000);
    expect(s.headers).to.deep.equal({ a: 'generic', b: 'traces' });
    expect(s.tls.keyFile).to.equal('/traces.key');
  });

  it('lets the config win over every variable, merging headers per key (case-insensitive)', () => {
    const s = grpc(
      {
        endpoint: 'jaeger:4317',
        timeout: '3s',
        compression: 'gzip',
        headers: { 'API-Key': 'config' },
        tls: { insecure: true, ca_file: '/config-ca.pem' },
      },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://env:4317',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=env,other=env',
        OTEL_EXPORTER_OTLP_INSECURE: 'false',
        OTEL_EXPORTER_OTLP_CERTIFICATE: '/env-ca.pem',
      },
    );
    expect(s).to.deep.include({
      target: 'jaeger:4317',
      secure: false,
      timeoutMs: 3000,
      compression: 'gzip',
      headers: { 'api-key': 'config', other: 'env' },
    });
    expect(s.tls.caFile).to.equal('/config-ca.pem');
  });

  it('decides TLS by the scheme when there is one, else by tls.insecure, then the env, then TLS', () => {
    expect(grpc({ endpoint: 'https://c:4317', tls: { insecure: true } }, {}).secure).to.equal(true);
    expect(
      grpc({ endpoint: 'http://c:4317' }, { OTEL_EXPORTER_OTLP_INSECURE: 'false' }).secure,
    ).to.equal(false);
    expect(grpc({ endpoint: 'c:4317' }, {}).secure).to.equal(true);
    expect(grpc({ endpoint: 'c:4317' }, { OTEL_EXPORTER_OTLP_INSECURE: 'TRUE' }).secure).to.equal(
      false,
    );
    expect(
      grpc(
        { endpoint: 'c:4317', tls: { insecure: false } },
        { OTEL_EXPORTER_OTLP_INSECURE: 'true' },
      ).secure,
    ).to.equal(true);
    expect(grpc({ endpoint: 'https://c' }, {}).target).to.equal('c:443');
  });

  it('ignores variables that do not parse, and says so', () => {
    const warnings: string[] = [];
    const s = grpc(
      {},
      {
        OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
        OTEL_EXPORTER_OTLP_INSECURE: 'yes',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '   ',
      },
      (m) => warnings.push(m),
    );
    expect(s).to.deep.include({ timeoutMs: 10_000, compression: 'none', target: 'localhost:4317' });
    expect(warnings).to.have.length(3);
  });
});

describe('otlp_http settings', () => {
  it('appends /v1/traces to a base endpoint, keeping its path', () => {
    expect(http({}, {}).url.href).to.equal('http://localhost:4318/v1/traces');
    expect(http({ endpoint: 'https://gw.example/otlp/' }, {}).url.href).to.equal(
      'https://gw.example/otlp/v1/traces',
    );
    expect(http({ endpoint: 'http://c:4318/v1/traces' }, {}).url.href).to.equal(
      'http://c:4318/v1/traces',
    );
    expect(http({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }).url.href).to.equal(
      'http://env:4318/v1/traces',
    );
  });

  it('uses a traces endpoint as is, from config or env', () => {
    expect(http({ traces_endpoint: 'http://c/ingest' }, {}).url.href).to.equal('http://c/ingest');
    expect(
      http(
        {},
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/x',
        },
      ).url.href,
    ).to.equal('http://traces:9999/x');
    expect(
      http(
        { endpoint: 'http://config:4318' },
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env/x' },
      ).url.href,
    ).to.equal('http://config:4318/v1/traces');
  });

  it('picks the encoding from config, else OTEL_EXPORTER_OTLP_PROTOCOL, else protobuf', () => {
    expect(http({}, {}).encoding).to.equal('proto');
    expect(http({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).encoding).to.equal('json');
    expect(
      http({ encoding: 'proto' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).encoding,
    ).to.equal('proto');
  });
});
