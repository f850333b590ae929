import { readFile } from 'node:fs/promises';

/** Certificate files and verification, as resolved from an exporter's config (and env). */
export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  skipVerify: boolean;
}

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Reads the configured PEM files (on the first send; `create()` does no I/O). */
export async function readTlsFiles(tls: TlsFiles): Promise<TlsMaterial> {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new Error('tls: cert_file and key_file go together (mutual TLS needs both)');
  const read = async (path: string | undefined, what: string) => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (err) {
      throw new Error(`tls: cannot read the ${what} ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  const [ca, cert, key] = await Promise.all([
    read(tls.caFile, 'CA file'),
    read(tls.certFile, 'client certificate'),
    read(tls.keyFile, 'client key'),
  ]);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
