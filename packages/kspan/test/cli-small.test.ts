import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, kspan, tempDir } from './helpers.js';

// The small things users hit (issue 13, item 9).
describe('kspan CLI small things', () => {
  it('--version, -V and `kspan version` print the package version', () => {
    const { version } = JSON.parse(
      readFileSync(join(REPO, 'packages/kspan/package.json'), 'utf8'),
    ) as { version: string };
    for (const arg of ['--version', '-V', 'version']) {
      const r = kspan([arg]);
      expect(r.status, arg).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^kspan ${version.replace(/\./g, '\\.')} \\(node `));
    }
  });

  it('capture to an unwritable output: exit 2, one line, before anything starts', () => {
    const r = kspan(['capture', '--output', '/nonexistent-dir/x.ndjson']);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.equal(
      'kspan capture: cannot write /nonexistent-dir/x.ndjson: no such directory\n',
    );
  });

  it('capture whose receiver fails leaves no empty file behind', function () {
    this.timeout(60_000);
    const dir = tempDir();
    const output = join(dir, 'out.ndjson');
    const r = kspan(['capture', '--output', output], {
      KUBECONFIG: join(dir, 'missing'),
      HOME: dir,
    });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/no credentials/);
    expect(existsSync(output), 'empty output removed').to.equal(false);
  });
});
