import { expect } from 'chai';
import { OtlpGrpcConfigSchema, otlpGrpcExport } from '../src/index.js';
import { exportRunner } from '@kspan/testing';
import { GrpcReceiver } from './grpc-receiver.js';
import { tlsFile } from './tls-files.js';

const exportAll = exportRunner(otlpGrpcExport, OtlpGrpcConfigSchema, 'otlp');
const NO_RETRY = { enabled: false };

describe('otlp exporter (gRPC) over TLS', () => {
  let receiver: GrpcReceiver | undefined;
  afterEach(() => receiver?.stop());

  it('verifies the server against ca_file', async () => {
    receiver = await GrpcReceiver.start({ tls: true });
    const [result] = await exportAll({
      endpoint: `localhost:${receiver!.port}`,
      tls: { ca_file: tlsFile('ca.pem') },
    });
    expect(result).to.include({ code: 'success' });
    expect(receiver.calls).to.have.length(1);
  });

  it('takes the CA from OTEL_EXPORTER_OTLP_CERTIFICATE', async () => {
    receiver = await GrpcReceiver.start({ tls: true });
    const [result] = await exportAll(
      { endpoint: `localhost:${receiver!.port}` },
      { env: { OTEL_EXPORTER_OTLP_CERTIFICATE: tlsFile('ca.pem') } },
    );
    expect(result).to.include({ code: 'success' });
  });

  it('refuses a server whose CA it does not know', async () => {
    receiver = await GrpcReceiver.start({ tls: true });
    const [result] = await exportAll({ endpoint: `localhost:${receiver!.port}`, retry: NO_RETRY });
    expect(result).to.include({ code: 'failure' });
    expect(receiver.calls).to.have.length(0);
  });

  it('skips verification with insecure_skip_verify', async () => {
    receiver = await GrpcReceiver.start({ tls: true });
    const [result] = await exportAll({
      endpoint: `localhost:${receiver!.port}`,
      tls: { insecure_skip_verify: true },
    });
    expect(result).to.include({ code: 'success' });
  });

  it('presents a client certificate for mutual TLS', async () => {
    receiver = await GrpcReceiver.start({ mtls: true });
    const [result] = await exportAll({
      endpoint: `localhost:${receiver!.port}`,
      tls: {
        ca_file: tlsFile('ca.pem'),
        cert_file: tlsFile('client.pem'),
        key_file: tlsFile('client.key'),
      },
    });
    expect(result).to.include({ code: 'success' });
    expect(receiver.calls).to.have.length(1);
  });

  it('fails a batch (not retried) when a TLS file is missing or half of a pair', async () => {
    receiver = await GrpcReceiver.start({ tls: true });
    const [missing] = await exportAll({
      endpoint: `localhost:${receiver!.port}`,
      tls: { ca_file: '/nonexistent/ca.pem' },
    });
    expect(missing).to.include({ code: 'failure', reason: 'permanent_error', attempts: 1 });
    expect(missing!.error?.message).to.match(/cannot read the CA file/);
    const [half] = await exportAll({
      endpoint: `localhost:${receiver!.port}`,
      tls: { cert_file: tlsFile('client.pem') },
    });
    expect(half!.error?.message).to.match(/cert_file and key_file go together/);
  });
});
