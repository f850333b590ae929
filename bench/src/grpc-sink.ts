// An OTLP/gRPC TraceService on 127.0.0.1 that counts what it receives and answers OK, run as a
// child process (so it does not share the benchmark's core). It decodes nothing: an empty
// ExportTraceServiceResponse is zero bytes. Protocol with the parent (IPC):
//   child → {port}             once listening
//   parent → 'stats'  → child → {requests, bytes, firstAt, lastAt}
//   parent → 'stop'           the child exits
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';

const identity = (b: Buffer) => b;
const service: ServiceDefinition = {
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

let requests = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;

const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
server.addService(service, {
  Export: (call: { request: Buffer }, callback: (err: null, res: Buffer) => void) => {
    const now = Date.now();
    if (requests === 0) firstAt = now;
    lastAt = now;
    requests++;
    bytes += call.request.length;
    callback(null, Buffer.alloc(0));
  },
});

server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`grpc sink: ${err.message}`);
    process.exit(1);
  }
  process.send?.({ port });
});

process.on('message', (msg) => {
  if (msg === 'stats') process.send?.({ requests, bytes, firstAt, lastAt });
  if (msg === 'stop') server.tryShutdown(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
