import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, REPO, kspanCasesDir } from './helpers.js';

// `kspan replay FILE | head -3`: the reader goes away; kspan ends quietly (issue 13, item 4).
describe('kspan replay into a closed pipe', () => {
  for (const format of ['tree', 'otlp-json']) {
    it(`--format ${format}: exits 0 without an EPIPE stack trace`, async function () {
      this.timeout(30_000);
      const child = spawn(
        process.execPath,
        [CLI, 'replay', join(kspanCasesDir(), 'deployment-2-pods/capture.ndjson'), '-f', format],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout.destroy(); // the reader is gone before the first line
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(stderr).to.not.match(/EPIPE|Unhandled|\n\s+at /);
      expect(code, stderr).to.equal(0);
    });
  }
});
