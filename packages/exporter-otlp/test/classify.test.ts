import { expect } from 'chai';
import { Metadata, status } from '@grpc/grpc-js';
import { classifyGrpcError } from '../src/grpc/classify.js';
import { HttpSendError, classifyNetworkError, parseRetryAfter } from '@kspan/core';
import { classifyOtlpHttpReply } from '../src/http/classify.js';
import { decodeRpcStatus } from '../src/common/rpc-status.js';
import { encodeStatusWithRetryInfo } from './otlp-proto.js';

const grpcError = (code: number, metadata = new Metadata()) =>
  Object.assign(new Error(`${code}`), { code, details: '', metadata });

describe('classifying gRPC errors (OTLP spec)', () => {
  it('retries the transient codes and nothing else', () => {
    const retryable = [
      'CANCELLED',
      'DEADLINE_EXCEEDED',
      'ABORTED',
      'OUT_OF_RANGE',
      'UNAVAILABLE',
      'DATA_LOSS',
    ];
    for (const [name, code] of Object.entries(status).filter(([, v]) => typeof v === 'number')) {
      if (code === status.OK) continue;
      const outcome = classifyGrpcError(grpcError(code as number));
      expect(outcome.code, name).to.equal(retryable.includes(name) ? 'retryable' : 'failure');
    }
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo, and waits what it says', () => {
    const md = new Metadata();
    md.set('grpc-status-details-bin', encodeStatusWithRetryInfo(8, 'later', 2500));
    expect(classifyGrpcError(grpcError(status.RESOURCE_EXHAUSTED, md))).to.deep.include({
      code: 'retryable',
      retryAfterMs: 2500,
    });
    const unavailable = classifyGrpcError(grpcError(status.UNAVAILABLE, md));
    expect(unavailable).to.deep.include({ code: 'retryable', retryAfterMs: 2500 });
  });

  it('treats an error without a gRPC code as permanent', () => {
    expect(classifyGrpcError(new Error('bad certificate file')).code).to.equal('failure');
  });
});

describe('classifying HTTP answers (OTLP spec)', () => {
  const reply = (code: number, headers: Record<string, string> = {}, body = '') => ({
    status: code,
    headers,
    body: Buffer.from(body),
  });

  it('retries 429, 502, 503, 504 and nothing else', () => {
    for (const code of [400, 401, 403, 404, 405, 413, 415, 429, 500, 501, 502, 503, 504]) {
      const outcome = classifyOtlpHttpReply(reply(code), 'proto', 3, 0);
      expect(outcome.code, String(code)).to.equal(
        [429, 502, 503, 504].includes(code) ? 'retryable' : 'failure',
      );
    }
    expect(classifyOtlpHttpReply(reply(202), 'proto', 3, 0).code).to.equal('success');
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(
      classifyOtlpHttpReply(reply(503, { 'retry-after': '7' }), 'proto', 1, 0),
    ).to.deep.include({
      retryAfterMs: 7000,
    });
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now)).to.equal(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
  });

  it('retries network errors but not certificate errors', () => {
    expect(classifyNetworkError(new HttpSendError('refused', 'ECONNREFUSED')).code).to.equal(
      'retryable',
    );
    expect(classifyNetworkError(new HttpSendError('reset', 'ECONNRESET')).code).to.equal(
      'retryable',
    );
    expect(classifyNetworkError(new HttpSendError('timeout', 'TIMEOUT')).code).to.equal(
      'retryable',
    );
    expect(classifyNetworkError(new HttpSendError('expired', 'CERT_HAS_EXPIRED')).code).to.equal(
      'failure',
    );
  });

  it('reads the reason from a JSON google.rpc.Status body', () => {
    const outcome = classifyOtlpHttpReply(
      reply(400, { 'content-type': 'application/json' }, '{"code":3,"message":"no spans"}'),
      'json',
      1,
      0,
    );
    expect(outcome.code === 'failure' && outcome.error.message).to.equal('HTTP 400: no spans');
  });
});

describe('decodeRpcStatus', () => {
  it('decodes code, message and a RetryInfo delay', () => {
    expect(decodeRpcStatus(encodeStatusWithRetryInfo(14, 'busy', 1500))).to.deep.equal({
      code: 14,
      message: 'busy',
      retryDelayMs: 1500,
    });
  });

  it('gives undefined for bytes that are not a Status', () => {
    expect(decodeRpcStatus(Buffer.from([0x0a, 0xff]))).to.equal(undefined);
  });
});
