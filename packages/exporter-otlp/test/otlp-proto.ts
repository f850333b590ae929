// Decodes what the test receivers get, with protobufjs and test/fixtures/otlp-trace.proto.
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';

const root = protobuf.loadSync(
  fileURLToPath(new URL('./fixtures/otlp-trace.proto', import.meta.url)),
);
const type = (name: string) => root.lookupType(`kspan.test.${name}`);

export const ExportRequest = type('ExportTraceServiceRequest');
export const ExportResponse = type('ExportTraceServiceResponse');
export const RpcStatus = type('RpcStatus');
export const RetryInfo = type('RetryInfo');

/** A decoded request as plain objects: bytes as hex, 64-bit numbers as strings, enums as numbers. */
export function decodeExportRequest(body: Uint8Array): DecodedRequest {
  const msg = ExportRequest.decode(body);
  return bytesToHex(
    ExportRequest.toObject(msg, { longs: String, defaults: false, arrays: true }),
  ) as DecodedRequest;
}

function bytesToHex(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(bytesToHex);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytesToHex(v)]));
  return value;
}

export function encodeExportResponse(rejectedSpans: number, errorMessage = ''): Buffer {
  const msg = ExportResponse.create(
    rejectedSpans || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {},
  );
  return Buffer.from(ExportResponse.encode(msg).finish());
}

/** google.rpc.Status with a RetryInfo detail, as a server puts it in grpc-status-details-bin. */
export function encodeStatusWithRetryInfo(code: number, message: string, delayMs: number): Buffer {
  const retryInfo = RetryInfo.encode(
    RetryInfo.create({
      retryDelay: { seconds: Math.floor(delayMs / 1000), nanos: (delayMs % 1000) * 1e6 },
    }),
  ).finish();
  return Buffer.from(
    RpcStatus.encode(
      RpcStatus.create({
        code,
        message,
        details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }],
      }),
    ).finish(),
  );
}

export interface DecodedKeyValue {
  key: string;
  value: {
    stringValue?: string;
    boolValue?: boolean;
    intValue?: string;
    doubleValue?: number;
  };
}
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: DecodedKeyValue[];
  events: Array<{ name: string; timeUnixNano: string; attributes: DecodedKeyValue[] }>;
  links: Array<{ traceId: string; spanId: string; attributes: DecodedKeyValue[] }>;
  status?: { code?: number; message?: string };
}
export interface DecodedRequest {
  resourceSpans: Array<{
    resource?: { attributes: DecodedKeyValue[] };
    scopeSpans: Array<{ scope?: { name: string; version?: string }; spans: DecodedSpan[] }>;
  }>;
}

/** Every span of a decoded (or OTLP/JSON) request with its resource's service.name. */
export function flattenSpans(req: DecodedRequest): Array<DecodedSpan & { service?: string }> {
  return req.resourceSpans.flatMap((rs) => {
    const service = rs.resource?.attributes.find((a) => a.key === 'service.name')?.value
      .stringValue;
    return rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service })));
  });
}

export function attr(kvs: DecodedKeyValue[], key: string): DecodedKeyValue['value'] | undefined {
  return kvs.find((a) => a.key === key)?.value;
}
