// A real OTLP/gRPC receiver for the tests: @kspan/testing's TraceService sink on 127.0.0.1 and an
// ephemeral port, the protobuf decoded with protobufjs. Answers are scripted per call.
import { ServerCredentials, type Metadata, type Server } from '@grpc/grpc-js';
import { listenOnLoopback, traceServiceServer } from '@kspan/testing';
import { decodeExportRequest, encodeExportResponse, type DecodedRequest } from './otlp-proto.js';
import { readTlsFile } from './tls-files.js';

export interface ReceivedCall {
  request: DecodedRequest;
  metadata: Record<string, string>;
}

/** What to answer one call with: an error status (with trailers), or OK with partial success. */
export type GrpcReply =
  | { code: number; details?: string; trailers?: Metadata }
  | { rejected?: number; message?: string }
  | { hang: true };

export class GrpcReceiver {
  readonly calls: ReceivedCall[] = [];
  /** Consumed one per call; OK once empty. */
  replies: GrpcReply[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Plain text, or TLS with the test certificates (and client certificates required if `mtls`). */
  static async start(options: { tls?: boolean; mtls?: boolean } = {}): Promise<GrpcReceiver> {
    // Calls arrive only once it listens, by when `receiver` is set.
    const server = traceServiceServer((call, callback) => {
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap()))
        metadata[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
      receiver.calls.push({ request: decodeExportRequest(call.request), metadata });
      const reply = receiver.replies.shift() ?? {};
      if ('hang' in reply) return; // never answer: the client's timeout must end the call
      if ('code' in reply)
        callback({
          code: reply.code,
          details: reply.details ?? 'scripted',
          metadata: reply.trailers,
        });
      else callback(null, encodeExportResponse(reply.rejected ?? 0, reply.message));
    });
    const receiver = new GrpcReceiver(
      server,
      await listenOnLoopback(server, serverCredentials(options)),
    );
    return receiver;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

function serverCredentials(options: { tls?: boolean; mtls?: boolean }): ServerCredentials {
  if (!options.tls && !options.mtls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    options.mtls ? readTlsFile('ca.pem') : null,
    [{ private_key: readTlsFile('server.key'), cert_chain: readTlsFile('server.pem') }],
    options.mtls ?? false,
  );
}
