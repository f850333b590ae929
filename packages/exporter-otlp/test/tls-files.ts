// The test certificates (fixtures/tls/README.md) for the TLS receivers and the exporters' configs.
import { readFileSync } from 'node:fs';

export const tlsFile = (name: string) =>
  new URL(`./fixtures/tls/${name}`, import.meta.url).pathname;
export const readTlsFile = (name: string) => readFileSync(tlsFile(name));
