import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, startKspan, tempDir } from './helpers.js';

// Every span must end as sent, failed or dropped with a reason: a backend that never takes the
// 20 spans of the capture, then SIGTERM with a 1 s deadline, must show all 20 as dropped for
// `shutdown` and exit non-zero (issue 13, item 1).
describe('kspan run shutdown with a backend that never takes the spans', () => {
  const cases: Array<{
    name: string;
    exporter: (port: number) => string;
    server: () => Promise<{ port: number; seen: () => boolean; close: () => Promise<void> }>;
  }> = [
    {
      name: 'otlp at a closed port',
      exporter: (port) => `otlp: { endpoint: 127.0.0.1:${port}, tls: { insecure: true } }`,
      server: async () => ({ port: await closedPort(), seen: () => false, close: async () => {} }),
    },
    {
      name: 'otlp_http at a server answering 429',
      exporter: (port) => `otlp_http: { endpoint: http://127.0.0.1:${port} }`,
      server: () =>
        httpServer((_req, res) => {
          res.writeHead(429, { 'retry-after': '30' });
          res.end();
        }),
    },
    {
      name: 'otlp_http at a server that never answers',
      exporter: (port) => `otlp_http: { endpoint: http://127.0.0.1:${port}, timeout: 60s }`,
      server: () => httpServer(() => {}),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: counts all 20 spans as dropped (shutdown) and exits non-zero`, async function () {
      this.timeout(30_000);
      const server = await c.server();
      try {
        const dir = tempDir();
        const config = join(dir, 'loss.yaml');
        const exporter = c.exporter(server.port);
        const exporterId = exporter.split(':')[0];
        writeFileSync(
          config,
          `receivers:
  k8s_capture: { path: ${join(conformanceDir(), 'deployment-2-pods/capture.ndjson')} }
processors:
  causality: {}
exporters:
  ${exporter}
service:
  shutdown_timeout: 1s
  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [${exporterId}] }
  telemetry: { logs: { level: info } }
`,
        );
        const child = startKspan(['run', '--config', config]);
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) =>
          child.on('exit', (code) => resolve(code)),
        );
        // Wait until the batch is with the exporter: a failed attempt logged, or the request seen.
        const t0 = Date.now();
        while (!/export attempt failed|retrying/.test(stderr) && !server.seen()) {
          if (Date.now() - t0 > 15_000) throw new Error(`no export attempt seen:\n${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        child.kill('SIGTERM');
        const code = await exited;
        expect(code, stderr).to.not.equal(0);
        expect(stderr).to.match(
          new RegExp(
            `exporter summary exporter=${exporterId} received=20 sent=0 failed=0 dropped=20 lost=shutdown:20`,
          ),
        );
        expect(stderr).to.match(/20 spans lost at shutdown/);
      } finally {
        await server.close();
      }
    });
  }
});

describe('kspan run second signal', () => {
  it('forces the exit during a stuck shutdown, counting the spans lost, exit 130', async function () {
    this.timeout(30_000);
    const server = await httpServer(() => {});
    try {
      const dir = tempDir();
      const config = join(dir, 'stuck.yaml');
      writeFileSync(
        config,
        `receivers:
  k8s_capture: { path: ${join(conformanceDir(), 'deployment-2-pods/capture.ndjson')} }
processors:
  causality: {}
exporters:
  otlp_http: { endpoint: http://127.0.0.1:${server.port}, timeout: 1h }
service:
  shutdown_timeout: 1h
  pipelines:
    traces: { receivers: [k8s_capture], processors: [causality], exporters: [otlp_http] }
`,
      );
      const child = startKspan(['run', '--config', config]);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      const t0 = Date.now();
      while (!server.seen()) {
        if (Date.now() - t0 > 15_000) throw new Error(`no export attempt seen:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      const signalledAt = Date.now();
      child.kill('SIGINT');
      const code = await exited;
      expect(Date.now() - signalledAt, 'exit after the second signal').to.be.below(5000);
      expect(code, stderr).to.equal(130);
      expect(stderr).to.match(/second signal; forcing exit/);
      expect(stderr).to.match(/dropped=20 lost=shutdown:20/);
    } finally {
      await server.close();
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

async function httpServer(
  handle: Parameters<typeof createServer>[1] & {},
): Promise<{ port: number; seen: () => boolean; close: () => Promise<void> }> {
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
