import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspanCasesDir, kspan, tempDir } from './helpers.js';

describe('kspan CLI', () => {
  it('validate names every problem of a broken config with its path and exits 1', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(
      file,
      `receivers:
  k8s_capture: { path: x.ndjson, sped: 2 }
processors:
  causality: { window: 5 seconds }
exporters:
  zipkin: {}
service:
  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [zipkn] }
`,
    );
    const r = kspan(['validate', '--config', file]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('3 problems');
    expect(r.stderr).to.match(
      /receivers\.k8s_capture\.sped: unknown key \(did you mean "speed"\?\)/,
    );
    expect(r.stderr).to.match(/processors\.causality\.window: invalid value "5 seconds"/);
    expect(r.stderr).to.match(
      /service\.pipelines\.traces\.exporters\[0\]: exporter "zipkn" is not defined under exporters \(did you mean "zipkin"\?\)/,
    );
  });

  it('validate accepts every shipped config', () => {
    for (const name of ['demo', 'jaeger', 'zipkin', 'in-cluster']) {
      const r = kspan(['validate', '--config', `config/${name}.yaml`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('valid');
    }
  });

  it('answers a bad flag, a missing file and an unknown command with one line and exit 2', () => {
    for (const args of [
      ['replay', '--frmat', 'tree', 'x'],
      ['replay', 'no-such-file.ndjson'],
      ['frobnicate'],
      ['run', '--config', 'no-such.yaml'],
    ]) {
      const r = kspan(args);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      expect(r.stderr).not.to.match(/\n\s+at /);
    }
  });

  it('has --help on each command', () => {
    for (const c of ['run', 'validate', 'components', 'replay', 'capture', 'print-schema']) {
      const r = kspan([c, '--help']);
      expect(r.status).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^Usage: kspan ${c}`));
    }
  });

  it('lists components with kind, stability and signals', () => {
    const r = kspan(['components', '--json']);
    const rows = JSON.parse(r.stdout) as Array<{
      kind: string;
      type: string;
      consumes: string;
      produces: string;
    }>;
    const types = rows.map((x) => `${x.kind}:${x.type}`);
    for (const t of [
      'receiver:k8s_events',
      'receiver:k8s_capture',
      'processor:causality',
      'exporter:otlp',
      'exporter:otlp_http',
      'exporter:zipkin',
      'exporter:file',
      'exporter:debug',
    ]) {
      expect(types).to.include(t);
    }
    expect(rows.find((x) => x.type === 'causality')).to.include({
      consumes: 'k8s_watch',
      produces: 'spans',
    });
  });

  it('prints the whole config schema', () => {
    const schema = JSON.parse(kspan(['print-schema']).stdout);
    expect(Object.keys(schema.properties)).to.deep.equal([
      'receivers',
      'processors',
      'exporters',
      'extensions',
      'service',
    ]);
    expect(Object.keys(schema.properties.exporters.patternProperties)).to.include(
      '^zipkin(/[A-Za-z0-9_.-]+)?$',
    );
  });

  it('replays a capture as a tree that fits 80 columns', () => {
    const r = kspan([
      'replay',
      join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson'),
      '--width',
      '80',
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^trace [0-9a-f]{32} · 20 spans · /);
    expect(lines[1]).to.contain('kubectl-client-side-apply Deployment.Update');
    expect(lines.some((l) => /└─ kubelet Pod\.Started/.test(l))).to.equal(true);
    for (const l of lines) expect([...l].length).to.be.at.most(80);
  });

  it('replays a capture as OTLP/JSON lines', () => {
    const r = kspan([
      'replay',
      join(kspanCasesDir(), 'scaledown-later/capture.ndjson'),
      '--format',
      'otlp-json',
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const spans = r.stdout
      .trim()
      .split('\n')
      .flatMap(
        (l) =>
          (
            JSON.parse(l) as {
              resourceSpans: Array<{
                scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }>;
              }>;
            }
          ).resourceSpans,
      )
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(spans).to.have.length(10);
    expect(spans.map((s) => s.name)).to.include('Deployment.ScalingReplicaSet');
    for (const s of spans) expect(s.traceId).to.match(/^[0-9a-f]{32}$/);
  });
});
