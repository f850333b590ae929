// A real HTTP receiver for the exporter tests: node:http(s) on 127.0.0.1 and an ephemeral port. It
// records every request (bodies gunzipped when sent so) and answers from a script, one per call.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export interface HttpRequestRecord {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body after gunzip. */
  body: Buffer;
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

export interface HttpReceiverOptions<C> {
  /** HTTPS with this server key and certificate (PEM); plain HTTP without. */
  tls?: { key: Buffer; cert: Buffer };
  /** Appended to `url`, for protocols with a fixed path (Zipkin's /api/v2/spans). */
  path?: string;
  /** The status once the script is used up (Zipkin answers 202). */
  defaultStatus?: number;
  /** What a call is kept as, e.g. with its body decoded; as received by default. */
  record?: (request: HttpRequestRecord) => C;
}

export class HttpReceiver<C = HttpRequestRecord> {
  readonly calls: C[] = [];
  /** Consumed one per call; `defaultStatus` with an empty body once empty. */
  replies: HttpReplyScript[] = [];

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
    private readonly path: string,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `${this.origin}:${this.port}${this.path}`;
  }

  static async start<C = HttpRequestRecord>(
    options: HttpReceiverOptions<C> = {},
  ): Promise<HttpReceiver<C>> {
    const { tls, defaultStatus = 200 } = options;
    const record = options.record ?? ((r: HttpRequestRecord) => r as C);
    // The test certificate names localhost; plain HTTP goes to the address itself.
    const server = tls ? createTlsServer(tls) : createServer();
    const origin = tls ? 'https://localhost' : 'http://127.0.0.1';
    const receiver = new HttpReceiver<C>(server, origin, options.path ?? '');
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        receiver.calls.push(
          record({ path: req.url ?? '', headers: req.headers, body, at: Date.now() }),
        );
        const reply = receiver.replies.shift() ?? {};
        if (reply.hang) return;
        res.writeHead(reply.status ?? defaultStatus, reply.headers ?? {});
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
