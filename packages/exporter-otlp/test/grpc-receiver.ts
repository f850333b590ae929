// A real OTLP/gRPC receiver for the tests: grpc-js on 127.0.0.1, an ephemeral port, the protobuf
// decoded with protobufjs. Answers are scripted per call.
import type { Metadata } from '@grpc/grpc-js';
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { decodeExportRequest, encodeExportResponse, type DecodedRequest } from './otlp-proto.js';

export interface ReceivedCall {
  request: DecodedRequest;
  metadata: Record<string, string>;
}

/** What to answer one call with: an error status (with trailers), or OK with partial success. */
export type GrpcReply =
  | { code: number; details?: string; trailers?: Metadata }
  | { rejected?: number; message?: string }
  | { hang: true };

const identity = (b: Buffer) => b;
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

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
  static start(options: { tls?: boolean; mtls?: boolean } = {}): Promise<GrpcReceiver> {
    const server = new Server();
    let receiver: GrpcReceiver | undefined;
    server.addService(TRACE_SERVICE, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const r = receiver as GrpcReceiver;
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap()))
          metadata[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
        r.calls.push({ request: decodeExportRequest(call.request), metadata });
        const reply = r.replies.shift() ?? {};
        if ('hang' in reply) return; // never answer: the client's timeout must end the call
        if ('code' in reply)
          callback({
            code: reply.code,
            details: reply.details ?? 'scripted',
            metadata: reply.trailers,
          });
        else callback(null, encodeExportResponse(reply.rejected ?? 0, reply.message));
      },
    });
    return new Promise((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', serverCredentials(options), (err, port) => {
        if (err) return reject(err);
        receiver = new GrpcReceiver(server, port);
        resolve(receiver);
      }),
    );
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

export const TLS_DIR = new URL('./fixtures/tls/', import.meta.url);
export const tlsFile = (name: string) => new URL(name, TLS_DIR).pathname;

function serverCredentials(options: { tls?: boolean; mtls?: boolean }): ServerCredentials {
  if (!options.tls && !options.mtls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    options.mtls ? readFileSync(tlsFile('ca.pem')) : null,
    [
      {
        private_key: readFileSync(tlsFile('server.key')),
        cert_chain: readFileSync(tlsFile('server.pem')),
      },
    ],
    options.mtls ?? false,
  );
}
