// OTLP's TraceService/Export on a grpc-js server, with requests and responses left as bytes: the
// exporter tests decode and script answers, the benchmark only counts.
import {
  Server,
  ServerCredentials,
  type ChannelOptions,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';

export type ExportHandler = (
  call: ServerUnaryCall<Buffer, Buffer>,
  callback: sendUnaryData<Buffer>,
) => void;

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

/** A server answering Export with `onExport`; not listening yet (see `listenOnLoopback`). */
export function traceServiceServer(onExport: ExportHandler, options: ChannelOptions = {}): Server {
  const server = new Server(options);
  server.addService(TRACE_SERVICE, { Export: onExport });
  return server;
}

/** Binds 127.0.0.1 on an ephemeral port (plain text unless given credentials); resolves the port. */
export function listenOnLoopback(
  server: Server,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
}
