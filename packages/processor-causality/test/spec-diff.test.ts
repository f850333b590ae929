import { expect } from 'chai';
import { resolveOptions } from '../src/config.js';
import { withDefaults, type CausalityOptions } from '../src/index.js';
import { compactSpec } from '../src/spec-compact.js';
import { describe as line, diffSpecs, shortDiff } from '../src/spec-diff.js';

type Spec = Record<string, unknown>;
const settings = (diff: CausalityOptions['diff'] = {}) =>
  resolveOptions(withDefaults({ diff })).diff;

/** The differences between two specs as the processor keeps them (compacted, redacted), as lines. */
function diff(before: Spec, after: Spec, over: CausalityOptions['diff'] = {}): string[] {
  const s = settings(over);
  const a = compactSpec(before, s);
  const b = compactSpec(after, s);
  if (typeof a !== 'string' || typeof b !== 'string') throw new Error('spec too large');
  return diffSpecs(JSON.parse(a), JSON.parse(b)).map((c) => line(c));
}

const container = (name: string, over: Spec = {}): Spec => ({
  name,
  image: `${name}:1`,
  ...over,
});
const deployment = (replicas: number, containers: Spec[], podMeta: Spec = {}): Spec => ({
  replicas,
  selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' }, ...podMeta },
    spec: { containers },
  },
});

describe('spec diff', () => {
  it('names an image change and a scale by path, containers by name', () => {
    const before = deployment(2, [container('web', { image: 'nginx:1' })]);
    const after = deployment(3, [container('web', { image: 'nginx:2' })]);
    expect(diff(before, after)).to.deep.equal([
      'spec.replicas: 2 → 3',
      'spec.template.spec.containers[web].image: nginx:1 → nginx:2',
    ]);
  });

  it('finds nothing between equal specs, and nothing when only the order of named items changed', () => {
    const a = deployment(2, [container('web'), container('sidecar')]);
    const b = deployment(2, [container('sidecar'), container('web')]);
    expect(diff(a, a)).to.deep.equal([]);
    expect(diff(a, b)).to.deep.equal([]);
  });

  it('matches list items by name: a change in the second container is named after it', () => {
    const a = deployment(1, [container('web'), container('sidecar', { image: 'envoy:1' })]);
    const b = deployment(1, [container('sidecar', { image: 'envoy:2' }), container('web')]);
    expect(diff(a, b)).to.deep.equal([
      'spec.template.spec.containers[sidecar].image: envoy:1 → envoy:2',
    ]);
  });

  it('shows an added and a removed item whole, `(none)` on the side it is missing', () => {
    const a = deployment(1, [container('web'), container('old')]);
    const b = deployment(1, [container('web'), container('sidecar', { image: 'busybox' })]);
    expect(diff(a, b)).to.deep.equal([
      'spec.template.spec.containers[old]: {"name":"old","image":"old:1"} → (none)',
      'spec.template.spec.containers[sidecar]: (none) → {"name":"sidecar","image":"busybox"}',
    ]);
  });

  it('redacts values under env (names stay), and still tells a changed value from an unchanged one', () => {
    const env = (host: string, pass: string) => [
      { name: 'DB_HOST', value: host },
      { name: 'DB_PASS', valueFrom: { secretKeyRef: { name: 'db', key: pass } } },
    ];
    const a = deployment(1, [container('web', { env: env('db-1', 'p1') })]);
    const b = deployment(1, [container('web', { env: env('db-2', 'p1') })]);
    const c = deployment(1, [
      container('web', { env: [...env('db-1', 'p1'), { name: 'NEW', value: 'x' }] }),
    ]);
    const lines = diff(a, b);
    expect(lines).to.deep.equal([
      'spec.template.spec.containers[web].env[DB_HOST].value: (redacted) → (redacted)',
    ]);
    expect(diff(a, c)).to.deep.equal([
      'spec.template.spec.containers[web].env[NEW]: (none) → {"name":"NEW","value":"(redacted)"}',
    ]);
    // The values themselves are nowhere, not even in the form kept in memory.
    const kept = compactSpec(b, settings());
    expect(kept).to.be.a('string').and.not.include('db-2');
    expect(JSON.stringify(lines)).not.to.include('db-');
    // …unless the config says so.
    expect(diff(a, b, { redact_env: false })).to.deep.equal([
      'spec.template.spec.containers[web].env[DB_HOST].value: db-1 → db-2',
    ]);
  });

  it('redacts the values of secret-looking keys and list items, and `--password=…` arguments', () => {
    const a = deployment(1, [container('web', { args: ['--db-password=hunter1', '--port=80'] })], {
      annotations: { 'example.com/api-token': 't1', team: 'a' },
    });
    const b = deployment(1, [container('web', { args: ['--db-password=hunter2', '--port=80'] })], {
      annotations: { 'example.com/api-token': 't2', team: 'b' },
    });
    const lines = diff(a, b);
    expect(lines).to.deep.equal([
      'spec.template.metadata.annotations["example.com/api-token"]: (redacted) → (redacted)',
      'spec.template.metadata.annotations.team: a → b',
      'spec.template.spec.containers[web].args: ["(redacted)","--port=80"] → ["(redacted)","--port=80"]',
    ]);
    expect(JSON.stringify(lines)).not.to.match(/hunter|t1|t2/);
    // A volume named like a secret: its source is redacted.
    const vol = (secretName: string) => ({
      ...deployment(1, [container('web')]),
      volumes: [{ name: 'api-token', secret: { secretName } }],
    });
    expect(diff(vol('s1'), vol('s2'))).to.deep.equal([
      'spec.volumes[api-token].secret.secretName: (redacted) → (redacted)',
    ]);
    // `redact_keys: []` shows them (env stays redacted by `redact_env`); a pattern of one's own.
    expect(diff(a, b, { redact_keys: [] })[0]).to.equal(
      'spec.template.metadata.annotations["example.com/api-token"]: t1 → t2',
    );
    expect(diff(a, b, { redact_keys: ['^team$'] })).to.deep.equal([
      'spec.template.metadata.annotations["example.com/api-token"]: t1 → t2',
      'spec.template.metadata.annotations.team: (redacted) → (redacted)',
      'spec.template.spec.containers[web].args: ["--db-password=hunter1","--port=80"] → ["--db-password=hunter2","--port=80"]',
    ]);
  });

  it('does not redact an image or a plain argument whose name merely looks like a secret', () => {
    const a = deployment(1, [
      container('web', { image: 'vault-secret-operator:v1', args: ['--token-ttl', '1h'] }),
    ]);
    const b = deployment(1, [
      container('web', { image: 'vault-secret-operator:v2', args: ['--token-ttl', '2h'] }),
    ]);
    expect(diff(a, b)).to.deep.equal([
      'spec.template.spec.containers[web].image: vault-secret-operator:v1 → vault-secret-operator:v2',
      'spec.template.spec.containers[web].args: ["--token-ttl","1h"] → ["--token-ttl","2h"]',
    ]);
    const sh = (v: string) =>
      deployment(1, [container('web', { command: ['sh', '-c', `export API_TOKEN=${v} && run`] })]);
    expect(diff(sh('abc'), sh('def'))).to.deep.equal([
      'spec.template.spec.containers[web].command: ["sh","-c","(redacted)"] → ["sh","-c","(redacted)"]',
    ]);
  });

  it('does not redact Kubernetes fields that merely contain "key" (topologyKey, tolerations)', () => {
    const spec = (topologyKey: string, key: string) => ({
      ...deployment(1, [container('web')]),
      topologySpreadConstraints: [{ topologyKey, maxSkew: 1 }],
      tolerations: [{ key, operator: 'Exists' }],
    });
    expect(diff(spec('zone', 'a'), spec('host', 'b'))).to.deep.equal([
      'spec.topologySpreadConstraints[topologyKey=zone]: {"topologyKey":"zone","maxSkew":1} → (none)',
      'spec.topologySpreadConstraints[topologyKey=host]: (none) → {"topologyKey":"host","maxSkew":1}',
      'spec.tolerations[key=a]: {"key":"a","operator":"Exists"} → (none)',
      'spec.tolerations[key=b]: (none) → {"key":"b","operator":"Exists"}',
    ]);
  });

  it('walks nested maps, keys with dots or slashes quoted, and lists keyed by other merge keys', () => {
    const ports = (p: number[]) => p.map((containerPort) => ({ containerPort }));
    const a = deployment(1, [
      container('web', { resources: { limits: { cpu: '1' } }, ports: ports([80, 443]) }),
    ]);
    const b = deployment(
      1,
      [
        container('web', {
          resources: { limits: { cpu: '2', memory: '1Gi' } },
          ports: ports([80, 8443]),
        }),
      ],
      { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-03-01T10:00:00Z' } },
    );
    expect(diff(a, b)).to.deep.equal([
      'spec.template.metadata.annotations: (none) → {"kubectl.kubernetes.io/restartedAt":"2024-03-01T10:00:00Z"}',
      'spec.template.spec.containers[web].resources.limits.cpu: 1 → 2',
      'spec.template.spec.containers[web].resources.limits.memory: (none) → 1Gi',
      'spec.template.spec.containers[web].ports[containerPort=443]: {"containerPort":443} → (none)',
      'spec.template.spec.containers[web].ports[containerPort=8443]: (none) → {"containerPort":8443}',
    ]);
    const c = deployment(1, [container('web')], {
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-03-01T11:00:00Z' },
    });
    const d = deployment(1, [container('web')], {
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-03-01T12:00:00Z' },
    });
    expect(diff(c, d)).to.deep.equal([
      'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]: 2024-03-01T11:00:00Z → 2024-03-01T12:00:00Z',
    ]);
  });

  it('compares a list of plain values (args) as a whole', () => {
    const a = deployment(1, [container('web', { args: ['-v', '1'] })]);
    const b = deployment(1, [container('web', { args: ['-v', '2'] })]);
    expect(diff(a, b)).to.deep.equal([
      'spec.template.spec.containers[web].args: ["-v","1"] → ["-v","2"]',
    ]);
  });

  it('keeps a spec too large to compare as its length only', () => {
    const big = deployment(1, [container('web', { command: ['x'.repeat(2000)] })]);
    expect(compactSpec(big, settings({ max_spec_length: 1000 })))
      .to.be.a('number')
      .above(2000);
    expect(compactSpec({ 'kspan.truncated': 70_000 }, settings())).to.equal(70_000);
  });
});

describe('spec diff, short form', () => {
  const changes = Array.from({ length: 30 }, (_, i) => ({
    path: `spec.template.spec.containers[c${i}].image`,
    before: `img:${i}`,
    after: `img:${i + 1}`,
  }));

  it('is every difference joined by `; ` when they fit', () => {
    expect(shortDiff(changes.slice(0, 2), 512)).to.equal(
      'spec.template.spec.containers[c0].image: img:0 → img:1; spec.template.spec.containers[c1].image: img:1 → img:2',
    );
  });

  it('is cut at `max_length` with `… (+N more)`, N counting exactly what was left out', () => {
    for (const max of [60, 120, 300, 512]) {
      const s = shortDiff(changes, max);
      expect(s.length, s).to.be.at.most(max);
      const m = /… \(\+(\d+) more\)$/.exec(s);
      expect(m, s).to.not.equal(null);
      // Entries shown (the first may be cut itself), then the count of the rest.
      const shown = s.slice(0, m!.index).replace(/;? $/, '').split('; ').length;
      expect(shown + Number(m![1]), s).to.equal(30);
    }
  });

  it('cuts even the first difference when it alone is too long, and long values in any case', () => {
    const long = [{ path: 'spec.x', before: 'a'.repeat(1000), after: 'b' }];
    const s = shortDiff(long, 50);
    expect(s.length).to.be.at.most(50);
    expect(s.startsWith('spec.x: aaa')).to.equal(true);
    expect(shortDiff(long, 512)).to.equal(`spec.x: ${'a'.repeat(79)}… → b`);
  });
});
