// What the `otlp` exporter puts on the wire for each `compression` setting, read from the raw
// HTTP/2 stream: a grpc-js server decompresses before its handler runs and drops the
// `grpc-encoding` header, so it cannot tell. The answer is a minimal gRPC OK (an empty
// ExportTraceServiceResponse in one length-prefixed message, then `grpc-status: 0`).
import { createServer, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { OtlpGrpcConfigSchema, otlpGrpcExport } from '../src/index.js';
import { FAST_RETRY, exportRunner } from '@kspan/testing';
import { decodeExportRequest, flattenSpans } from './otlp-proto.js';

const exportAll = exportRunner(otlpGrpcExport, OtlpGrpcConfigSchema, 'otlp');

interface WireCall {
  headers: IncomingHttpHeaders;
  /** The gRPC message prefix's compressed flag (0 or 1). */
  compressedFlag: number;
  /** The message as sent (after the 5-byte prefix). */
  message: Buffer;
}

async function rawGrpcServer(): Promise<{ server: Http2Server; port: number; calls: WireCall[] }> {
  const calls: WireCall[] = [];
  const server = createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const length = body.readUInt32BE(1);
      calls.push({ headers, compressedFlag: body[0]!, message: body.subarray(5, 5 + length) });
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc+proto' },
        { waitForTrailers: true },
      );
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5)); // flag 0, length 0: an empty response message
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, calls };
}

describe('otlp exporter (gRPC): compression on the wire', () => {
  let peer: Awaited<ReturnType<typeof rawGrpcServer>>;
  beforeEach(async () => {
    peer = await rawGrpcServer();
  });
  afterEach(() => peer.server.close());

  const base = () => ({
    endpoint: `127.0.0.1:${peer.port}`,
    tls: { insecure: true },
    retry: FAST_RETRY,
  });

  it('sends uncompressed messages by default', async () => {
    const [result] = await exportAll(base());
    expect(result).to.include({ code: 'success', spans: 3 });
    const call = peer.calls[0]!;
    expect(call.compressedFlag).to.equal(0);
    expect(call.headers['grpc-encoding'] ?? 'identity').to.equal('identity');
    expect(flattenSpans(decodeExportRequest(call.message))).to.have.length(3);
  });

  it('gzips each message with compression: gzip', async () => {
    const [result] = await exportAll({ ...base(), compression: 'gzip' });
    expect(result).to.include({ code: 'success', spans: 3 });
    const call = peer.calls[0]!;
    expect(call.compressedFlag).to.equal(1);
    expect(call.headers['grpc-encoding']).to.equal('gzip');
    expect(flattenSpans(decodeExportRequest(gunzipSync(call.message)))).to.have.length(3);
  });

  it('takes gzip from OTEL_EXPORTER_OTLP_COMPRESSION when the config says nothing', async () => {
    await exportAll(base(), { env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } });
    expect(peer.calls[0]!.compressedFlag).to.equal(1);
  });
});
