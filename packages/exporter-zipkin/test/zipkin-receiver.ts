// A real Zipkin-compatible intake for the tests: node:http on 127.0.0.1 and an ephemeral port,
// taking JSON v2 span lists at /api/v2/spans. Answers are scripted per call.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZipkinCall {
  path: string;
  headers: IncomingHttpHeaders;
  spans: Array<Record<string, unknown>>;
  at: number;
}

export interface ZipkinReplyScript {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export class ZipkinReceiver {
  readonly calls: ZipkinCall[] = [];
  replies: ZipkinReplyScript[] = [];
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.calls.push({
        path: req.url ?? '',
        headers: req.headers,
        spans: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<Record<string, unknown>>,
        at: Date.now(),
      });
      const reply = this.replies.shift() ?? { status: 202 };
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2/spans`;
  }

  static async start(): Promise<ZipkinReceiver> {
    const r = new ZipkinReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
