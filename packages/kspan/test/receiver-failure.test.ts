import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kspan, startKspan, tempDir } from './helpers.js';

// A service whose receivers have all failed for good exits non-zero with one line naming the file
// and what is wrong; a transient failure (API server down) keeps it running (issue 13, item 2).
describe('kspan run with a failing k8s_events receiver', () => {
  const CLUSTER = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: '${server}' }
users:
- name: u
  user: { token: x }
contexts:
- name: ctx
  context: { cluster: c, user: u }
`;
  const setup = () => {
    const dir = tempDir();
    const config = join(dir, 'run.yaml');
    writeFileSync(
      config,
      `receivers:
  k8s_events: {}
processors:
  causality: {}
exporters:
  debug: {}
service:
  pipelines:
    traces: { receivers: [k8s_events], processors: [causality], exporters: [debug] }
`,
    );
    return { dir, config };
  };

  it('exits 1 with one clear line for a missing, malformed or context-less kubeconfig', function () {
    this.timeout(90_000);
    const { dir, config } = setup();
    const malformed = join(dir, 'malformed');
    writeFileSync(
      malformed,
      'apiVersion: v1\nclusters:\n  - cluster: {server: https://x\n  bad: [\n',
    );
    const noContext = join(dir, 'no-context');
    writeFileSync(noContext, CLUSTER('https://127.0.0.1:1'));
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing'), /names no existing file/],
      [malformed, new RegExp(`kubeconfig ${malformed}: not valid YAML: .*\\(4:3\\)$`)],
      [noContext, new RegExp(`kubeconfig ${noContext}: no current-context \\(contexts: ctx\\)`)],
    ];
    for (const [kubeconfig, want] of cases) {
      const r = kspan(['run', '--config', config], { KUBECONFIG: kubeconfig, HOME: dir });
      expect(r.status, r.stderr).to.equal(1);
      const last = r.stderr.trimEnd().split('\n').at(-1) ?? '';
      expect(last).to.match(/^kspan run: receiver k8s_events failed: k8s_events: /);
      expect(last).to.match(want);
      // The multi-line YAML excerpt of the parser is gone from everything printed.
      expect(r.stderr).to.not.match(/^\s*\d+ \|/m);
    }
  });

  it('keeps retrying while the API server is unreachable (transient), and exits 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const { dir, config } = setup();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, CLUSTER('https://127.0.0.1:1') + 'current-context: ctx\n');
    const child = startKspan(['run', '--config', config], { KUBECONFIG: kubeconfig, HOME: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    const t0 = Date.now();
    while (!/ECONNREFUSED|connection/.test(stderr)) {
      if (Date.now() - t0 > 30_000 || exitCode !== undefined)
        throw new Error(`no retried connection failure seen:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(exitCode, `still running after a connection failure:\n${stderr}`).to.equal(undefined);
    child.kill('SIGTERM');
    await exited;
    expect(exitCode, stderr).to.equal(0);
    expect(stderr).to.not.contain('receiver failed');
  });
});
