// The end-to-end suite, the published packages: every public package is packed (`pnpm pack`, as a
// publish would), installed with plain `npm install` into a scratch project outside the repository
// (no workspace links), and used there: the README's embedding example type-checks and runs into a
// loopback Zipkin sink, and every package's public entry imports under TypeScript's `node16` and
// `bundler` module resolution. Needs the npm registry for the third-party dependencies, no cluster.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './lib/env.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        encoding: 'utf8',
        timeout: 300_000,
        maxBuffer: 64 << 20,
        env: { ...process.env, ...env },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The workspace packages that are published (not `private`), by directory. */
function publicPackages(): Array<{ dir: string; name: string; version: string }> {
  return readdirSync(join(REPO, 'packages'))
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(REPO, 'packages', d, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        private?: boolean;
      };
      return { dir: join(REPO, 'packages', d), ...pkg };
    })
    .filter((p) => !p.private);
}

/** The fenced `ts` block under a README heading. */
function readmeExample(heading: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`no \`\`\`ts block under "${heading}" in README.md`);
  return m[1]!;
}

const TSC = ['node_modules/typescript/bin/tsc'];

describe('suite: the packages, packed and installed with npm outside the workspace', function () {
  this.timeout(600_000);
  const packages = publicPackages();
  // made in before(): mocha loads every suite file, also when --grep selects none of this one
  let scratch = '';
  let tarballs = '';
  let project = '';

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'kspan-pack-'));
    tarballs = join(scratch, 'tarballs');
    project = join(scratch, 'project');
    mkdirSync(tarballs);
    mkdirSync(project);
    for (const p of packages) {
      const r = await run('pnpm', ['pack', '--pack-destination', tarballs], p.dir);
      expect(r.code, `pnpm pack ${p.name}: ${r.stderr}`).to.equal(0);
    }
    const files = readdirSync(tarballs);
    const spec = (p: { name: string; version: string }) => {
      const file = files.find(
        (f) => f === `${p.name.replace('@', '').replace('/', '-')}-${p.version}.tgz`,
      );
      if (!file) throw new Error(`no tarball for ${p.name} among ${files.join(', ')}`);
      return `file:../tarballs/${file}`;
    };
    const deps = Object.fromEntries(packages.map((p) => [p.name, spec(p)]));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'kspan-pack-check',
          private: true,
          type: 'module',
          dependencies: { ...deps, rxjs: '^7.8.2' },
          devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
          // the packages' dependencies on each other (0.1.0) come from these tarballs, not a registry
          overrides: Object.fromEntries(packages.map((p) => [p.name, `$${p.name}`])),
        },
        null,
        2,
      ),
    );
    const r = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      project,
    );
    expect(r.code, `npm install: ${r.stderr}`).to.equal(0);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('each public package installs as a real directory with its README, CHANGELOG, LICENSE and no build leftovers', () => {
    expect(packages.map((p) => p.name)).to.include.members(['kspan', '@kspan/core']);
    for (const p of packages) {
      const dir = join(project, 'node_modules', p.name);
      expect(lstatSync(dir).isSymbolicLink(), `${p.name} is linked`).to.equal(false);
      const files = readdirSync(dir, { recursive: true }).map(String);
      expect(files, p.name).to.include.members([
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'dist/index.js',
      ]);
      expect(
        files.filter(
          (f) => f.endsWith('.map') || f.endsWith('.tsbuildinfo') || f.startsWith('src'),
        ),
        `${p.name}: maps, build info or sources in the tarball`,
      ).to.deep.equal([]);
      // no import reaches into another package's build folder (only its `exports` are public)
      for (const f of files.filter((x) => x.endsWith('.js'))) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(text, `${p.name}/${f}`).to.not.match(
          /from ['"](?:@[^'"/]+\/)?[^'"./][^'"]*\/(?:build|dist)\//,
        );
      }
    }
  });

  it("the README's embedding example type-checks and runs: its spans arrive in a loopback Zipkin sink", async () => {
    let received = 0;
    const sink: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received += (JSON.parse(body) as unknown[]).length;
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    try {
      mkdirSync(join(project, 'examples'), { recursive: true });
      copyFileSync(
        join(REPO, 'examples/deployment-2-pods.ndjson'),
        join(project, 'examples/deployment-2-pods.ndjson'),
      );
      writeFileSync(join(project, 'example.ts'), readmeExample('## Embedding a package'));
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: 'node16',
            moduleResolution: 'node16',
            strict: true,
            outDir: 'out',
            types: ['node'],
          },
          files: ['example.ts'],
        }),
      );
      const tsc = await run(process.execPath, TSC, project);
      expect(tsc.code, `tsc:\n${tsc.stdout}${tsc.stderr}`).to.equal(0);
      const port = (sink.address() as AddressInfo).port;
      const r = await run(process.execPath, ['out/example.js'], project, {
        ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans`,
      });
      expect(r.code, r.stderr).to.equal(0);
      const lines = r.stdout.trim().split('\n');
      const sent = lines.map((l) => /^success: (\d+) spans$/.exec(l));
      expect(sent.every(Boolean), r.stdout).to.equal(true);
      const total = sent.reduce((n, m) => n + Number(m![1]), 0);
      expect(total, 'spans exported').to.be.above(0);
      expect(received, 'spans the sink received').to.equal(total);
    } finally {
      sink.close();
    }
  });

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`every public entry imports under moduleResolution ${resolution}`, async () => {
      const dir = join(project, `imports-${resolution}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'index.ts'),
        packages
          .map(
            (p, i) =>
              `import * as m${i} from '${p.name}';\nexport const n${i} = Object.keys(m${i}).length;`,
          )
          .join('\n') + '\n',
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: resolution === 'node16' ? 'node16' : 'esnext',
            moduleResolution: resolution,
            strict: true,
            noEmit: true,
            types: ['node'],
            // the libraries' own declarations were checked under node16 already (slow: client-node)
            skipLibCheck: resolution === 'bundler',
          },
          files: ['index.ts'],
        }),
      );
      const tsc = await run(process.execPath, [join(project, TSC[0]!), '-p', dir], project);
      expect(tsc.code, `tsc (${resolution}):\n${tsc.stdout}${tsc.stderr}`).to.equal(0);
    });
  }

  it('the installed kspan CLI (no bundle in the tarball) validates a config', async () => {
    const cli = join(project, 'node_modules/kspan/dist/bin/kspan.js');
    const files = readdirSync(join(project, 'node_modules/kspan'), { recursive: true }).map(String);
    expect(files).to.not.include('dist/commands/validate.bundle.js');
    expect(files.filter((f) => f.includes('replay-bundle'))).to.deep.equal([]);
    const r = await run(
      process.execPath,
      [cli, 'validate', '--config', join(REPO, 'config/jaeger.yaml')],
      project,
    );
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/: valid \(1 pipeline\)/);
  });

  it('every public entry loads in Node and exports something', async () => {
    const script = packages
      .map(
        (p) =>
          `{ const m = await import('${p.name}'); if (!Object.keys(m).length) throw new Error('${p.name}: no exports'); }`,
      )
      .join('\n');
    const r = await run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(r.code, r.stderr).to.equal(0);
  });
});
