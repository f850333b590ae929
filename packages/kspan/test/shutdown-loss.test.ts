import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { replayConfig, startKspan } from './helpers.js';

interface Backend {
  port: number;
  /** A request reached it. */
  seen: () => boolean;
  close: () => Promise<void>;
}

/**
 * Starts `kspan run` replaying the 20-span capture into `exporter` (YAML for one exporter), and
 * resolves once the batch is with the exporter: a failed attempt logged or the request seen.
 */
async function runUntilExporting(exporter: string, backend: Backend, shutdownTimeout: string) {
  const exporterId = exporter.split(':')[0];
  const config = replayConfig({
    exporters: [exporter],
    service: [`shutdown_timeout: ${shutdownTimeout}`],
    infoLogs: true,
  });
  const child = startKspan(['run', '--config', config]);
  const run = {
    child,
    exporterId,
    stderr: '',
    exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
  const t0 = Date.now();
  while (!/export attempt failed|retrying/.test(run.stderr) && !backend.seen()) {
    if (Date.now() - t0 > 15_000) throw new Error(`no export attempt seen:\n${run.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return run;
}

// Every span must end as sent, failed or dropped with a reason: a backend that never takes the
// 20 spans of the capture, then SIGTERM with a 1 s deadline, must show all 20 as dropped for
// `shutdown` and exit non-zero (issue 13, item 1).
describe('kspan run shutdown with a backend that never takes the spans', () => {
  const cases: Array<{
    name: string;
    exporter: (port: number) => string;
    backend: () => Promise<Backend>;
  }> = [
    {
      name: 'otlp at a closed port',
      exporter: (port) => `otlp: { endpoint: 127.0.0.1:${port}, tls: { insecure: true } }`,
      backend: async () => ({ port: await closedPort(), seen: () => false, close: async () => {} }),
    },
    {
      name: 'otlp_http at a server answering 429',
      exporter: (port) => `otlp_http: { endpoint: http://127.0.0.1:${port} }`,
      backend: () =>
        httpServer((_req, res) => {
          res.writeHead(429, { 'retry-after': '30' });
          res.end();
        }),
    },
    {
      name: 'otlp_http at a server that never answers',
      exporter: (port) => `otlp_http: { endpoint: http://127.0.0.1:${port}, timeout: 60s }`,
      backend: () => httpServer(() => {}),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: counts all 20 spans as dropped (shutdown) and exits non-zero`, async function () {
      this.timeout(30_000);
      const backend = await c.backend();
      try {
        const run = await runUntilExporting(c.exporter(backend.port), backend, '1s');
        run.child.kill('SIGTERM');
        const code = await run.exited;
        expect(code, run.stderr).to.not.equal(0);
        expect(run.stderr).to.match(
          new RegExp(
            `exporter summary exporter=${run.exporterId} received=20 sent=0 failed=0 dropped=20 lost=shutdown:20`,
          ),
        );
        expect(run.stderr).to.match(/20 spans lost at shutdown/);
      } finally {
        await backend.close();
      }
    });
  }
});

describe('kspan run second signal', () => {
  it('forces the exit during a stuck shutdown, counting the spans lost, exit 130', async function () {
    this.timeout(30_000);
    const backend = await httpServer(() => {});
    try {
      const run = await runUntilExporting(
        `otlp_http: { endpoint: http://127.0.0.1:${backend.port}, timeout: 1h }`,
        backend,
        '1h',
      );
      run.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      const signalledAt = Date.now();
      run.child.kill('SIGINT');
      const code = await run.exited;
      expect(Date.now() - signalledAt, 'exit after the second signal').to.be.below(5000);
      expect(code, run.stderr).to.equal(130);
      expect(run.stderr).to.match(/second signal; forcing exit/);
      expect(run.stderr).to.match(/dropped=20 lost=shutdown:20/);
    } finally {
      await backend.close();
    }
  });
});

async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function httpServer(handle: Parameters<typeof createServer>[1] & {}): Promise<Backend> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen: () => requests > 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
