// The OTLP/HTTP receiver of the tests: @kspan/testing's loopback receiver with each body decoded
// from protobuf or OTLP/JSON (by its content type), so that tests assert on `call.request`.
import { HttpReceiver, type HttpRequestRecord } from '@kspan/testing';
import { decodeExportRequest, type DecodedRequest } from './otlp-proto.js';
import { readTlsFile } from './tls-files.js';

export type OtlpHttpCall = HttpRequestRecord & { request: DecodedRequest };
export type OtlpHttpReceiver = HttpReceiver<OtlpHttpCall>;

/** Plain HTTP, or HTTPS with the test server certificate. */
export function startOtlpHttpReceiver(options: { tls?: boolean } = {}): Promise<OtlpHttpReceiver> {
  return HttpReceiver.start({
    ...(options.tls
      ? { tls: { key: readTlsFile('server.key'), cert: readTlsFile('server.pem') } }
      : {}),
    record: (call) => ({ ...call, request: decodeRequest(call) }),
  });
}

function decodeRequest({ headers, body }: HttpRequestRecord): DecodedRequest {
  return String(headers['content-type']).includes('json')
    ? (JSON.parse(body.toString('utf8')) as DecodedRequest)
    : decodeExportRequest(body);
}
