import type * as GrpcJs from '@grpc/grpc-js';
import type { Client, Metadata, ServiceError } from '@grpc/grpc-js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readTlsFiles, type Attempt, type Clock, type ExportTransport } from '@kspan/core';
import { acceptedOutcome } from '../common/partial-success.js';
import { encodeOtlpProtobuf } from '../encode.js';
import { USER_AGENT } from '../version.js';
import { classifyGrpcError, grpcStatusName, isServiceError } from './classify.js';
import { GrpcStatus as Status } from './status-codes.js';
import type { OtlpGrpcSettings } from './settings.js';

const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
// grpc-js compression algorithm ids.
const COMPRESSION = { none: 0, gzip: 2 } as const;

interface Connection {
  client: Client;
  metadata: Metadata;
  /** grpc-js, loaded with the first connection (see status-codes.ts). */
  grpc: typeof GrpcJs;
}

/**
 * OTLP/gRPC over grpc-js with the protobuf body from `encode.ts`. The channel is
 * opened on the first attempt and reconnects by itself; one attempt is one unary call, bounded by
 * the timeout on the component's clock and cancelled when the component's signal aborts.
 */
export class OtlpGrpcTransport implements ExportTransport<ReadableSpan> {
  private connection?: Promise<Connection>;
  private closed = false;

  constructor(
    private readonly settings: OtlpGrpcSettings,
    private readonly clock: Clock,
  ) {}

  async attempt(spans: ReadableSpan[], signal?: AbortSignal): Promise<Attempt> {
    const body = encodeOtlpProtobuf(spans);
    let conn: Connection;
    try {
      conn = await this.connect();
    } catch (err) {
      // Bad TLS files and the like: retrying the same batch cannot help.
      return {
        outcome: { code: 'failure', error: err as Error },
        status: 'config_error',
        bytes: 0,
      };
    }
    const { response, error } = await this.call(conn, body, signal);
    if (error) {
      return {
        outcome: classifyGrpcError(error),
        status: isServiceError(error) ? grpcStatusName(error.code) : 'error',
        bytes: body.length,
      };
    }
    return {
      outcome: acceptedOutcome(response, 'proto', spans.length),
      status: 'OK',
      bytes: body.length,
    };
  }

  close(): void {
    this.closed = true;
    void this.connection?.then(
      (c) => c.client.close(),
      () => {},
    );
  }

  private connect(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('exporter is shut down'));
    this.connection ??= this.open().catch((err: unknown) => {
      this.connection = undefined; // a missing certificate may appear later: try again next time
      throw err;
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const { settings } = this;
    const grpc = await import('@grpc/grpc-js');
    const { Client, Metadata, credentials } = grpc;
    let creds = credentials.createInsecure();
    if (settings.secure) {
      const tls = await readTlsFiles(settings.tls);
      creds = credentials.createSsl(
        tls.ca ?? null,
        tls.key ?? null,
        tls.cert ?? null,
        settings.tls.skipVerify
          ? { rejectUnauthorized: false, checkServerIdentity: () => undefined }
          : {},
      );
    }
    const client = new Client(settings.target, creds, {
      'grpc.default_compression_algorithm': COMPRESSION[settings.compression],
      'grpc.primary_user_agent': USER_AGENT,
    });
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(settings.headers)) metadata.set(key, value);
    return { client, metadata, grpc };
  }

  private call(
    conn: Connection,
    body: Uint8Array,
    signal?: AbortSignal,
  ): Promise<{ response?: Buffer; error?: Error }> {
    return new Promise((resolve) => {
      const error = (code: number, details: string) =>
        grpcError(code, details, new conn.grpc.Metadata());
      if (signal?.aborted) return resolve({ error: error(Status.CANCELLED, 'shutting down') });
      const timer = new AbortController();
      let timedOut = false;
      const onAbort = () => call.cancel();
      const call = conn.client.makeUnaryRequest<Buffer, Buffer>(
        EXPORT_METHOD,
        (b) => b,
        (b) => b,
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        conn.metadata.clone(),
        {},
        (err, response) => {
          timer.abort();
          signal?.removeEventListener('abort', onAbort);
          if (!err) return resolve({ response });
          resolve({
            error: timedOut
              ? error(
                  Status.DEADLINE_EXCEEDED,
                  `no answer within ${this.settings.timeoutMs} ms from ${this.settings.endpoint}`,
                )
              : err,
          });
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      // The timeout runs on the component's clock (not a wall-clock gRPC deadline); 0 means none.
      if (this.settings.timeoutMs > 0)
        this.clock.sleep(this.settings.timeoutMs, timer.signal).then(
          () => {
            timedOut = true;
            call.cancel();
          },
          () => {},
        );
    });
  }
}

function grpcError(code: number, details: string, metadata: Metadata): ServiceError {
  return Object.assign(new Error(`${code} ${grpcStatusName(code)}: ${details}`), {
    code,
    details,
    metadata,
  });
}
