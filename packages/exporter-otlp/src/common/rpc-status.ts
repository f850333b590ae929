// The two messages the OTLP spec has servers send back on errors: google.rpc.Status (its
// message, and its details) and google.rpc.RetryInfo (how long to wait). Read by hand
// (proto-fields.ts) because these are a handful of fields.
import { fields } from './proto-fields.js';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  code?: number;
  message?: string;
  /** From a google.rpc.RetryInfo among the details. */
  retryDelayMs?: number;
}

/** Decodes a protobuf google.rpc.Status; undefined when the bytes are not one. */
export function decodeRpcStatus(buf: Uint8Array): RpcStatus | undefined {
  try {
    const status: RpcStatus = {};
    for (const f of fields(buf)) {
      if (f.no === 1 && f.varint !== undefined) status.code = Number(BigInt.asIntN(32, f.varint));
      else if (f.no === 2 && f.bytes) status.message = new TextDecoder().decode(f.bytes);
      else if (f.no === 3 && f.bytes) {
        const delay = retryDelayOfAny(f.bytes);
        if (delay !== undefined) status.retryDelayMs = delay;
      }
    }
    return status;
  } catch {
    return undefined;
  }
}

/** google.protobuf.Any holding a RetryInfo → its retry_delay in ms. */
function retryDelayOfAny(buf: Uint8Array): number | undefined {
  let typeUrl = '';
  let value: Uint8Array | undefined;
  for (const f of fields(buf)) {
    if (f.no === 1 && f.bytes) typeUrl = new TextDecoder().decode(f.bytes);
    else if (f.no === 2 && f.bytes) value = f.bytes;
  }
  if (typeUrl !== RETRY_INFO_TYPE || !value) return undefined;
  for (const f of fields(value)) {
    // RetryInfo.retry_delay is a google.protobuf.Duration {seconds = 1; nanos = 2}.
    if (f.no !== 1 || !f.bytes) continue;
    let seconds = 0n;
    let nanos = 0n;
    for (const d of fields(f.bytes)) {
      if (d.no === 1 && d.varint !== undefined) seconds = BigInt.asIntN(64, d.varint);
      else if (d.no === 2 && d.varint !== undefined) nanos = BigInt.asIntN(32, d.varint);
    }
    const ms = Number(seconds) * 1000 + Number(nanos) / 1e6;
    return ms >= 0 ? ms : undefined;
  }
  return undefined;
}
