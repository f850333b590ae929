// A real OTLP/HTTP receiver for the tests: node:http on 127.0.0.1 and an ephemeral port; bodies
// gunzipped when sent so and decoded from protobuf or OTLP/JSON. Answers are scripted per call.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { decodeExportRequest, type DecodedRequest } from './otlp-proto.js';

export interface HttpCall {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body after gunzip. */
  body: Buffer;
  request: DecodedRequest;
  /** When it arrived (ms, wall clock). */
  at: number;
}

export interface HttpReplyScript {
  /** Never answer (the client's timeout must end the request). */
  hang?: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export class HttpReceiver {
  readonly calls: HttpCall[] = [];
  /** Consumed one per call; 200 with an empty body once empty. */
  replies: HttpReplyScript[] = [];

  private constructor(private readonly server: Server) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `${this.tls ? 'https://localhost' : 'http://127.0.0.1'}:${this.port}`;
  }

  private tls = false;

  /** Plain HTTP, or HTTPS with the test server certificate. */
  static async start(options: { tls?: boolean } = {}): Promise<HttpReceiver> {
    const tlsFile = (name: string) =>
      readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));
    const server = options.tls
      ? createTlsServer({ key: tlsFile('server.key'), cert: tlsFile('server.pem') })
      : createServer();
    const receiver = new HttpReceiver(server);
    receiver.tls = options.tls ?? false;
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const json = String(req.headers['content-type']).includes('json');
        receiver.calls.push({
          path: req.url ?? '',
          headers: req.headers,
          body,
          request: json
            ? (JSON.parse(body.toString('utf8')) as DecodedRequest)
            : decodeExportRequest(body),
          at: Date.now(),
        });
        const reply = receiver.replies.shift() ?? { status: 200 };
        if (reply.hang) return;
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
