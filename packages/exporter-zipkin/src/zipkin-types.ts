/** A span in Zipkin's JSON v2 format (zipkin2-api.yaml), as this exporter sends it. */
export interface ZipkinSpan {
  /** 32 (or 16) lowercase hex digits */
  traceId: string;
  /** 16 lowercase hex digits */
  id: string;
  /** absent on a root span */
  parentId?: string;
  name: string;
  /** absent for internal spans */
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** epoch microseconds, a whole number */
  timestamp: number;
  /** microseconds, a whole number, at least 1 */
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}
