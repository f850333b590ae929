// An OTLP/gRPC TraceService on 127.0.0.1 that counts what it receives and answers OK, run as a
// child process (so it does not share the benchmark's core). It decodes nothing: an empty
// ExportTraceServiceResponse is zero bytes. The service itself is @kspan/testing's sink, the one
// the exporter tests use. Protocol with the parent (IPC):
//   child → {port}             once listening
//   parent → 'stats'  → child → {requests, bytes, firstAt, lastAt}
//   parent → 'stop'           the child exits
import { listenOnLoopback, traceServiceServer } from '@kspan/testing';

let requests = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;

const server = traceServiceServer(
  (call, callback) => {
    const now = Date.now();
    if (requests === 0) firstAt = now;
    lastAt = now;
    requests++;
    bytes += call.request.length;
    callback(null, Buffer.alloc(0));
  },
  { 'grpc.max_receive_message_length': 64 * 1024 * 1024 },
);

listenOnLoopback(server).then(
  (port) => process.send?.({ port }),
  (err: Error) => {
    console.error(`grpc sink: ${err.message}`);
    process.exit(1);
  },
);

process.on('message', (msg) => {
  if (msg === 'stats') process.send?.({ requests, bytes, firstAt, lastAt });
  if (msg === 'stop') server.tryShutdown(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
