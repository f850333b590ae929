import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeTransport, readBody } from '../../src/k8s/transport.js';

// kubeTransport on a local plain-HTTP listener: the request it builds, streaming, abort.
describe('kubeTransport', () => {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let kc: KubeConfig;
  before(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}/`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
  });
  after(() => server.close());

  it('sends path, query, Accept and the bearer token; streams the body', async () => {
    let seen: IncomingMessage | undefined;
    handler = (req, res) => {
      seen = req;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":1}\n');
      setTimeout(() => res.end('{"b":2}\n'), 20);
    };
    const res = await kubeTransport(kc)({
      path: '/api/v1/pods',
      query: { watch: '1', fieldSelector: 'metadata.namespace!=x' },
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
      signal: new AbortController().signal,
    });
    expect(res.status).to.equal(200);
    expect(await readBody(res.body)).to.equal('{"a":1}\n{"b":2}\n');
    expect(seen!.url).to.equal('/api/v1/pods?watch=1&fieldSelector=metadata.namespace%21%3Dx');
    expect(seen!.headers.authorization).to.equal('Bearer secret-token');
    expect(seen!.headers.accept).to.equal(
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    );
  });

  it('returns HTTP errors as a status, and aborting ends a streaming body', async () => {
    handler = (_req, res) => {
      res.writeHead(403);
      res.end('{"kind":"Status","message":"forbidden"}');
    };
    const denied = await kubeTransport(kc)({
      path: '/x',
      query: {},
      accept: 'application/json',
      signal: new AbortController().signal,
    });
    expect(denied.status).to.equal(403);
    expect(await readBody(denied.body)).to.contain('forbidden');

    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"first":true}\n'); // then nothing, ever
    };
    const ac = new AbortController();
    const res = await kubeTransport(kc)({
      path: '/w',
      query: {},
      accept: 'application/json',
      signal: ac.signal,
    });
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const c of res.body) {
        chunks.push(c);
        ac.abort();
      }
    })();
    await reading.catch(() => undefined); // ends (with or without an abort error) rather than hanging
    expect(chunks).to.deep.equal(['{"first":true}\n']);
  });

  it('rejects with the node error code when the server refuses', async () => {
    const refused = new KubeConfig();
    refused.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const err = await kubeTransport(refused)({
      path: '/',
      query: {},
      accept: 'application/json',
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('ECONNREFUSED');
  });

  it('reads a token file (the in-cluster service account) for every request, so a rotation counts at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspan-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'token-one\n');
    const port = (server.address() as AddressInfo).port;
    const inCluster = new KubeConfig();
    inCluster.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'sa', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
      contexts: [{ name: 'x', cluster: 'c', user: 'sa' }],
      currentContext: 'x',
    });
    const seen: Array<string | undefined> = [];
    handler = (req, res) => {
      seen.push(req.headers.authorization);
      res.end('{}');
    };
    const get = async () => {
      const res = await kubeTransport(inCluster)({
        path: '/api',
        query: {},
        accept: 'application/json',
        signal: new AbortController().signal,
      });
      await readBody(res.body);
    };
    try {
      await get();
      // as the kubelet swaps a projected token: a new file renamed over the old one
      writeFileSync(join(dir, 'token.new'), 'token-two\n');
      renameSync(join(dir, 'token.new'), tokenFile);
      await get();
      rmSync(tokenFile);
      const err = await get().catch((e: unknown) => e);
      expect(String(err)).to.match(/service account token file .*token: .*ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen).to.deep.equal(['Bearer token-one', 'Bearer token-two']);
  });
});
