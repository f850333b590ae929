import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCoreEvent } from '../../src/k8s/event-shape.js';
import { eventFilter, withExcludedNamespaces } from '../../src/k8s/filters.js';
import { HttpError, StaleError, classifyFailure, statusMessage } from '../../src/k8s/http-error.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { ownerMetadata } from '../../src/k8s/owner-metadata.js';
import { resolveKind, resourcePath } from '../../src/k8s/resource.js';

describe('classifyFailure', () => {
  const cases: Array<[unknown, string, boolean, boolean]> = [
    [new HttpError(410, 'Gone'), 'gone', true, false],
    [new HttpError(429, 'slow'), 'throttled', false, false],
    [new HttpError(401, 'no'), 'unauthorized', false, true],
    [new HttpError(403, 'no'), 'forbidden', false, true],
    [new HttpError(404, 'no'), 'not_found', false, false],
    [new HttpError(500, 'x'), 'server_error', false, false],
    [new HttpError(503, 'x'), 'server_error', false, false],
    [new HttpError(400, 'x'), 'client_error', false, false],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'connection', false, false],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'connection', false, false],
    [new StaleError(45000), 'stale', false, false],
  ];
  for (const [err, cause, relist, denied] of cases) {
    it(`${(err as Error).message} → ${cause}`, () => {
      const f = classifyFailure(err);
      expect([f.cause, f.relist, f.denied]).to.deep.equal([cause, relist, denied]);
    });
  }
  it('reads Retry-After delays and Status messages', () => {
    expect(classifyFailure(new HttpError(429, 'x', 5000)).minDelayMs).to.equal(5000);
    expect(statusMessage('{"kind":"Status","message":"events is forbidden"}')).to.equal(
      'events is forbidden',
    );
    expect(statusMessage('plain text')).to.equal('plain text');
  });
});

describe('ownerMetadata', () => {
  it('keeps identity, owners, labels, annotations and which managedFields touched spec', () => {
    const out = ownerMetadata({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u',
        resourceVersion: '5',
        generation: 3,
        creationTimestamp: '2024-01-01T00:00:00Z',
        labels: { app: 'web' },
        annotations: {
          'deployment.kubernetes.io/revision': '3',
          'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x', controller: true }],
        managedFields: [
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2024-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:replicas': {} } },
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2024-01-01T00:00:01Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:status': { 'f:replicas': {} } },
            subresource: 'status',
          },
        ],
        selfLink: 'x',
      },
      spec: { replicas: 3 },
      status: {},
    });
    expect(out).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u',
        resourceVersion: '5',
        generation: 3,
        creationTimestamp: '2024-01-01T00:00:00Z',
        labels: { app: 'web' },
        annotations: {
          'deployment.kubernetes.io/revision': '3',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x', controller: true }],
        managedFields: [
          {
            manager: 'kubectl-client-side-apply',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2024-01-01T00:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': {} },
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            apiVersion: 'apps/v1',
            time: '2024-01-01T00:00:01Z',
            subresource: 'status',
          },
        ],
      },
    });
  });
});

describe('toCoreEvent', () => {
  it('converts an events.k8s.io/v1 Event to the core/v1 shape', () => {
    const out = toCoreEvent({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default', uid: 'u', resourceVersion: '1' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2024-01-01T00:00:05.000000Z' },
      reportingController: 'default-scheduler',
      reportingInstance: 'sched-1',
      action: 'Binding',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'pu' },
      related: { kind: 'Node', name: 'n' },
      note: 'Successfully assigned default/p to n',
      type: 'Normal',
      deprecatedSource: { component: 'default-scheduler' },
      deprecatedFirstTimestamp: null,
      deprecatedCount: 0,
    });
    expect(out).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default', uid: 'u', resourceVersion: '1' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'pu' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/p to n',
      source: { component: 'default-scheduler' },
      count: 0,
      type: 'Normal',
      eventTime: '2024-01-01T00:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2024-01-01T00:00:05.000000Z' },
      action: 'Binding',
      related: { kind: 'Node', name: 'n' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'sched-1',
    });
  });
  it('leaves a core/v1 Event as it is', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: {}, reason: 'X' };
    expect(toCoreEvent(ev)).to.equal(ev);
  });
});

describe('eventFilter', () => {
  const ev = (ns: string, type: string, reason: string, kind: string) => ({
    kind: 'Event',
    metadata: { namespace: ns },
    type,
    reason,
    involvedObject: { kind },
  });
  it('allows everything with empty lists', () => {
    expect(eventFilter({})(ev('a', 'Normal', 'X', 'Pod'))).to.equal(undefined);
  });
  it('drops by namespace (include/exclude), type, reason and involved kind, nothing else', () => {
    const f = eventFilter({
      namespaces: ['a', 'b'],
      exclude_namespaces: ['b'],
      event_types: ['Warning'],
      reasons: ['BackOff', 'Failed'],
      involved_kinds: ['Pod'],
    });
    expect(f(ev('a', 'Warning', 'BackOff', 'Pod'))).to.equal(undefined);
    expect(f(ev('c', 'Warning', 'BackOff', 'Pod'))).to.equal('namespace');
    expect(f(ev('b', 'Warning', 'BackOff', 'Pod'))).to.equal('namespace');
    expect(f(ev('a', 'Normal', 'BackOff', 'Pod'))).to.equal('event_type');
    expect(f(ev('a', 'Warning', 'Pulled', 'Pod'))).to.equal('reason');
    expect(f(ev('a', 'Warning', 'Failed', 'Node'))).to.equal('involved_kind');
  });
  it('builds exclusion field selectors', () => {
    expect(withExcludedNamespaces('type=Warning', ['kube-system', 'x'])).to.equal(
      'type=Warning,metadata.namespace!=kube-system,metadata.namespace!=x',
    );
    expect(withExcludedNamespaces(undefined, [])).to.equal('');
  });
});

describe('resolveKind / resourcePath', () => {
  it('knows the default owner kinds and describes custom resources', () => {
    expect(resourcePath(resolveKind('ReplicaSet'), 'ns')).to.equal(
      '/apis/apps/v1/namespaces/ns/replicasets',
    );
    expect(resourcePath(resolveKind('node'), 'ns')).to.equal('/api/v1/nodes');
    expect(resolveKind({ api_version: 'example.com/v1', kind: 'Widget' })).to.deep.equal({
      group: 'example.com',
      version: 'v1',
      resource: 'widgets',
      kind: 'Widget',
      namespaced: true,
    });
    expect(
      resolveKind({
        api_version: 'x.io/v1beta1',
        kind: 'Policy',
        resource: 'policies',
        namespaced: false,
      }).resource,
    ).to.equal('policies');
    expect(() => resolveKind('Gadget')).to.throw(/unknown kind "Gadget"/);
  });
});

describe('loadKubeConfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kspan-kc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: 'https://10.0.0.1:6443', insecure-skip-tls-verify: true }
- name: c2
  cluster: { server: 'https://10.0.0.2:6443', insecure-skip-tls-verify: true }
users:
- name: u
  user: { token: abc }
contexts:
- name: one
  context: { cluster: c1, user: u }
- name: two
  context: { cluster: c2, user: u }
current-context: one
`;
  it('loads a file and a context', async () => {
    const p = join(dir, 'config');
    writeFileSync(p, kubeconfig);
    expect((await loadKubeConfig({ kubeconfig: p })).getCurrentCluster()?.server).to.equal(
      'https://10.0.0.1:6443',
    );
    expect(
      (await loadKubeConfig({ kubeconfig: p, context: 'two' })).getCurrentCluster()?.server,
    ).to.equal('https://10.0.0.2:6443');
  });
  it('honours KUBECONFIG', async () => {
    const p = join(dir, 'config');
    writeFileSync(p, kubeconfig);
    expect((await loadKubeConfig({}, { KUBECONFIG: p })).getCurrentCluster()?.server).to.equal(
      'https://10.0.0.1:6443',
    );
  });
  it('fails clearly with CONFIG_READ', async () => {
    const p = join(dir, 'config');
    writeFileSync(p, kubeconfig);
    const failure = async (auth: Parameters<typeof loadKubeConfig>[0], env?: NodeJS.ProcessEnv) => {
      try {
        await loadKubeConfig(auth, env);
      } catch (err) {
        return err as Error & { code?: string };
      }
      throw new Error('expected loadKubeConfig to fail');
    };
    const missing = await failure({ kubeconfig: join(dir, 'nope') });
    expect(missing.message).to.match(/kubeconfig .*nope: no such file/);
    expect(missing.code).to.equal('CONFIG_READ');
    expect((await failure({ kubeconfig: p, context: 'three' })).message).to.match(
      /context "three" not found \(contexts: one, two\)/,
    );
    expect((await failure({ in_cluster: true }, {})).message).to.match(/not running in a pod/);
  });
});
