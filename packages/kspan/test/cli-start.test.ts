import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO } from './helpers.js';

// Start-up time (issue 15): `--help` and `--version` answer without loading a component package.
// The heavy dependencies (ajv, gRPC, OpenTelemetry, prom-client) are CommonJS, so whatever loads
// them shows in the shared require cache; a preloaded module prints that cache as the process exits.
const PRINT_LOADED_PACKAGES = `data:text/javascript,${encodeURIComponent(
  `import { createRequire } from 'node:module';
   const cache = createRequire(process.cwd() + '/').cache;
   process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(cache))));`,
)}`;

function loadedModules(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', PRINT_LOADED_PACKAGES, CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stderr) as string[];
}

describe('kspan start-up loads only what the command needs', () => {
  for (const arg of ['--help', '--version']) {
    it(`${arg} loads no dependency package`, () => {
      expect(loadedModules([arg]).filter((m) => m.includes('node_modules'))).to.deep.equal([]);
    });
  }

  it('validate loads one bundled file: no dependency package, no ajv (the build generated the checks)', () => {
    // The probe sees CommonJS packages (yaml, ajv): unbundled, validate loads yaml at least.
    expect(loadedModules(['validate', '--config', 'config/jaeger.yaml'])).to.deep.equal([]);
  });

  it('validate without its bundle loads the YAML parser, no ajv and no component runtime', () => {
    const bundle = join(REPO, 'packages/kspan/dist/commands/validate.bundle.js');
    const aside = `${bundle}.aside`;
    renameSync(bundle, aside);
    try {
      const loaded = loadedModules(['validate', '--config', 'config/jaeger.yaml']);
      expect(loaded.some((m) => /node_modules\/.*\/yaml\//.test(m))).to.equal(true);
      const runtime = loaded.filter((m) =>
        /node_modules\/.*(ajv|rxjs|@grpc|@opentelemetry|prom-client|protobufjs)/.test(m),
      );
      expect(runtime).to.deep.equal([]);
    } finally {
      renameSync(aside, bundle);
    }
  });
});
