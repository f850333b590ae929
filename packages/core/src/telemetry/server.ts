import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListenAddress } from '../config/listen-address.js';
import { ConfigError } from '../errors.js';
import type { HealthRegistry } from './health.js';
import type { MetricsRegistry } from './metrics.js';

const ENDPOINTS = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * Serves /metrics (Prometheus text), /healthz (alive) and /readyz (all components ready), to GET
 * and HEAD only (405 with Allow otherwise).
 */
export async function startTelemetryServer(
  address: string,
  metrics: MetricsRegistry,
  health: HealthRegistry,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  // Validation refuses a bad address first; this guards a caller that skipped it.
  const parsed = parseListenAddress(address);
  if (typeof parsed === 'string')
    throw new ConfigError([{ path: 'service.telemetry.metrics.address', message: parsed }]);
  const { host, port } = parsed;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (ENDPOINTS.has(path) && req.method !== 'GET' && req.method !== 'HEAD') {
      // Read-only endpoints: a POST must not look like it did something.
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end(`${req.method ?? ''} not allowed on ${path}; use GET\n`);
    } else if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else if (path === '/readyz') {
      const notReady = health.notReady();
      res.writeHead(notReady.length === 0 ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ready: notReady.length === 0, notReady }) + '\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would otherwise hold the close (and the exit) open.
        server.closeAllConnections();
      }),
  };
}
