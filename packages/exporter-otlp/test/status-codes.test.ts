import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { GrpcStatus, grpcStatusName } from '../src/grpc/status-codes.js';

describe('gRPC status codes (kept here so that classifying does not load grpc-js)', () => {
  it('are grpc-js’s, name for name and number for number', () => {
    const theirs = Object.entries(status).filter(([, v]) => typeof v === 'number');
    expect(Object.entries(GrpcStatus)).to.deep.equal(theirs);
    for (const [name, code] of theirs) expect(grpcStatusName(code as number)).to.equal(name);
    expect(grpcStatusName(99)).to.equal('CODE_99');
  });
});
