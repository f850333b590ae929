import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO, kspan, kspanCasesDir } from './helpers.js';

// Start-up time (issue 15): `--help` and `--version` answer without loading a component package.
// The heavy dependencies (ajv, gRPC, OpenTelemetry, prom-client) are CommonJS, so whatever loads
// them shows in the shared require cache; a preloaded module prints that cache as the process exits.
const PRINT_LOADED_PACKAGES = `data:text/javascript,${encodeURIComponent(
  `import { createRequire } from 'node:module';
   const cache = createRequire(process.cwd() + '/').cache;
   process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(cache))));`,
)}`;

/** Runs `fn` with the build's bundle at `path` (a file or a directory) moved aside. */
function withoutBundle<T>(path: string, fn: () => T): T {
  const aside = `${path}.aside`;
  renameSync(path, aside);
  try {
    return fn();
  } finally {
    renameSync(aside, path);
  }
}

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
    const loaded = withoutBundle(bundle, () =>
      loadedModules(['validate', '--config', 'config/jaeger.yaml']),
    );
    expect(loaded.some((m) => /node_modules\/.*\/yaml\//.test(m))).to.equal(true);
    const runtime = loaded.filter((m) =>
      /node_modules\/.*(ajv|rxjs|@grpc|@opentelemetry|prom-client|protobufjs)/.test(m),
    );
    expect(runtime).to.deep.equal([]);
  });

  describe('replay', () => {
    const bundle = join(REPO, 'packages/kspan/dist/commands/replay-bundle');
    const capture = join(kspanCasesDir(), 'deployment-2-pods', 'capture.ndjson');
    const replay = () => kspan(['replay', capture, '--format', 'otlp-json']);

    it('loads its bundle: no dependency package (RxJS, OpenTelemetry, prom-client, yaml…)', () => {
      expect(loadedModules(['replay', capture, '--format', 'otlp-json'])).to.deep.equal([]);
      // the probe sees them when they load unbundled
      const unbundled = withoutBundle(bundle, () =>
        loadedModules(['replay', capture, '--format', 'otlp-json']),
      );
      expect(unbundled.filter((m) => /node_modules\/.*\/(rxjs|prom-client)\//.test(m))).to.not.be
        .empty;
    });

    it('writes the same spans bundled and unbundled, and reports errors the same way', () => {
      const bundled = replay();
      expect(bundled.status, bundled.stderr).to.equal(0);
      expect(bundled.stdout).to.match(/^\{"resourceSpans":/);
      const missing = ['replay', join(REPO, 'no-such-capture.ndjson')];
      const bundledError = kspan(missing);
      const [unbundled, unbundledError] = withoutBundle(bundle, () => [replay(), kspan(missing)]);
      expect(unbundled.stdout).to.equal(bundled.stdout);
      expect(unbundled.status).to.equal(0);
      expect([bundledError.status, bundledError.stderr]).to.deep.equal([
        unbundledError!.status,
        unbundledError!.stderr,
      ]);
      expect(bundledError.status).to.equal(2);
    });
  });
});
