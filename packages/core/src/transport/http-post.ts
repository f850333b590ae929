// The HTTP transport shared by exporters that POST (otlp_http, zipkin): TLS, gzip, a timeout on
// the component's clock, and abort on shutdown.
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Clock } from '../clock.js';
import { readTlsFiles, type TlsFiles } from './tls-files.js';

const gzipAsync = promisify(gzip);
/** More of an answer than this is read and dropped: error bodies only feed a log line. */
const MAX_REPLY_BYTES = 64 * 1024;

export interface HttpPostSettings {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
  tls: TlsFiles;
  userAgent: string;
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A failure before an HTTP answer: `code` is Node's (ECONNREFUSED, ...) or TIMEOUT / ABORTED. */
export class HttpSendError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpSendError';
  }
}

/**
 * POSTs request bodies over one keep-alive agent (made on the first post, when the TLS files are
 * read). The timeout runs on the component's clock; the signal aborts a request in flight.
 */
export class HttpPoster {
  private agent?: Promise<http.Agent>;

  constructor(
    private readonly settings: HttpPostSettings,
    private readonly clock: Clock,
  ) {}

  async post(body: Uint8Array, contentType: string, signal?: AbortSignal): Promise<HttpReply> {
    const agent = await this.getAgent();
    const gz = this.settings.compression === 'gzip';
    const payload = gz ? await gzipAsync(body) : Buffer.from(body);
    return this.request(
      agent,
      payload,
      {
        ...this.settings.headers,
        'content-type': contentType,
        'content-length': String(payload.length),
        'user-agent': this.settings.userAgent,
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
      },
      signal,
    );
  }

  close(): void {
    void this.agent?.then(
      (a) => a.destroy(),
      () => {},
    );
  }

  private getAgent(): Promise<http.Agent> {
    this.agent ??= this.makeAgent().catch((err: unknown) => {
      this.agent = undefined; // the files may appear later: read them again next time
      throw err;
    });
    return this.agent;
  }

  private async makeAgent(): Promise<http.Agent> {
    if (this.settings.url.protocol !== 'https:') return new http.Agent({ keepAlive: true });
    const tls = await readTlsFiles(this.settings.tls);
    return new https.Agent({
      keepAlive: true,
      ...tls,
      ...(this.settings.tls.skipVerify
        ? { rejectUnauthorized: false, checkServerIdentity: () => undefined }
        : {}),
    });
  }

  private request(
    agent: http.Agent,
    payload: Buffer,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<HttpReply> {
    const { url, timeoutMs } = this.settings;
    return new Promise<HttpReply>((resolve, reject) => {
      if (signal?.aborted) return reject(new HttpSendError('shutting down', 'ABORTED'));
      const timer = new AbortController();
      const done = () => {
        timer.abort();
        signal?.removeEventListener('abort', onAbort);
      };
      const send = url.protocol === 'https:' ? https.request : http.request;
      const req = send(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= MAX_REPLY_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('error', (err) => {
          done();
          reject(asSendError(err));
        });
        res.on('close', () => {
          if (res.complete) return;
          done();
          reject(
            new HttpSendError('connection closed before the answer was complete', 'ECONNRESET'),
          );
        });
        res.on('end', () => {
          done();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES),
          });
        });
      });
      req.on('error', (err) => {
        done();
        reject(asSendError(err));
      });
      const onAbort = () => req.destroy(new HttpSendError('shutting down', 'ABORTED'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs > 0)
        this.clock.sleep(timeoutMs, timer.signal).then(
          () =>
            req.destroy(
              new HttpSendError(`no answer within ${timeoutMs} ms from ${url.href}`, 'TIMEOUT'),
            ),
          () => {},
        );
      req.end(payload);
    });
  }
}

function asSendError(err: Error): HttpSendError {
  if (err instanceof HttpSendError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
  return new HttpSendError(err.message || code, code, { cause: err });
}
