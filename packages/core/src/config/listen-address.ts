/** A `host:port` to listen on, as the telemetry server takes it. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Reads `host:port`, `[ipv6]:port`, `:port` or a bare `port` (host 0.0.0.0); a string saying what
 * is wrong otherwise. Checked at validation, so `kspan validate` refuses what `listen()` would.
 */
export function parseListenAddress(address: string): ListenAddress | string {
  const i = address.lastIndexOf(':');
  const hostPart = i < 0 ? '' : address.slice(0, i);
  const portPart = i < 0 ? address : address.slice(i + 1);
  if (!/^\d+$/.test(portPart))
    return `"${address}" is not host:port (e.g. 127.0.0.1:9464, :9464, [::1]:9464)`;
  const port = Number(portPart);
  if (port > 65535) return `port ${port} is out of range (0-65535)`;
  const host = hostPart.replace(/^\[(.*)\]$/, '$1');
  if (/[\s/[\]]/.test(host) || (host.includes(':') && !hostPart.startsWith('[')))
    return `"${hostPart}" is not a host name or IP address (write IPv6 addresses in brackets)`;
  return { host: host || '0.0.0.0', port };
}
