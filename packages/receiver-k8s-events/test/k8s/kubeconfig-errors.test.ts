import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';

// A kubeconfig that cannot be used gives one line naming the file and what is wrong (issue 13, item 2).
describe('loadKubeConfig file errors', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kspan-kc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = async (env: NodeJS.ProcessEnv) => {
    try {
      await loadKubeConfig({}, env);
    } catch (err) {
      return err as Error & { code?: string };
    }
    throw new Error('expected loadKubeConfig to fail');
  };
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const CLUSTER = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: 'https://127.0.0.1:6443' }
users:
- name: u
  user: { token: x }
`;

  it('malformed YAML: one line with the file, not a multi-line excerpt', async () => {
    const p = write(
      'bad',
      'apiVersion: v1\nclusters:\n  - cluster: {server: https://x\n  bad: [\n',
    );
    const err = await failure({ KUBECONFIG: p });
    expect(err.code).to.equal('CONFIG_READ');
    expect(err.message).to.not.contain('\n');
    expect(err.message).to.match(new RegExp(`^k8s_events: kubeconfig ${p}: not valid YAML: `));
  });

  it('no current-context: names the file and lists the contexts', async () => {
    const p = write(
      'noctx',
      CLUSTER + 'contexts:\n- name: ctx\n  context: { cluster: c, user: u }\n',
    );
    expect((await failure({ KUBECONFIG: p })).message).to.equal(
      `k8s_events: kubeconfig ${p}: no current-context (contexts: ctx); set auth.context or run kubectl config use-context`,
    );
  });

  it('a current-context that is not defined, or whose cluster is not', async () => {
    const p = write('gone', CLUSTER + 'contexts: []\ncurrent-context: prod\n');
    expect((await failure({ KUBECONFIG: p })).message).to.match(
      /kubeconfig .*gone: current-context "prod" is not one of its contexts \(contexts: none\)/,
    );
    const q = write(
      'nocluster',
      CLUSTER +
        'contexts:\n- name: x\n  context: { cluster: other, user: u }\ncurrent-context: x\n',
    );
    expect((await failure({ KUBECONFIG: q })).message).to.match(
      /kubeconfig .*nocluster: context "x" names cluster "other", which it does not define/,
    );
  });

  it('no kubeconfig at all: says which files were looked for', async () => {
    const err = await failure({ KUBECONFIG: join(dir, 'missing'), HOME: dir });
    expect(err.message).to.contain(`KUBECONFIG (${join(dir, 'missing')}) names no existing file`);
    expect(err.message).to.not.contain('\n');
  });
});
