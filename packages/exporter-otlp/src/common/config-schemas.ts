import { Type, type Static, type TObject } from '@sinclair/typebox';
import { DurationSchema } from '@kspan/core/config';

/**
 * A duration with no schema default. Settings that an `OTEL_*` variable may supply must stay unset
 * after validation, or the filled-in default would always win over the environment.
 */
export function UnsetDuration(description: string) {
  return Type.Optional(DurationSchema(undefined, description));
}

/** Client TLS settings, in the Collector's shape. Files are read on the first send, not at create. */
export const TlsSchema = Type.Object(
  {
    insecure: Type.Optional(
      Type.Boolean({
        description:
          'gRPC only: plain text instead of TLS (default false, or OTEL_EXPORTER_OTLP_INSECURE); an http:// or https:// endpoint decides by itself',
      }),
    ),
    ca_file: Type.Optional(
      Type.String({
        description:
          'PEM file of the CA that signed the server certificate (default: the system roots, or OTEL_EXPORTER_OTLP_CERTIFICATE)',
      }),
    ),
    cert_file: Type.Optional(
      Type.String({
        description:
          'PEM client certificate for mutual TLS (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE); needs key_file',
      }),
    ),
    key_file: Type.Optional(
      Type.String({
        description:
          'PEM private key of the client certificate (or OTEL_EXPORTER_OTLP_CLIENT_KEY); needs cert_file',
      }),
    ),
    insecure_skip_verify: Type.Boolean({
      default: false,
      description: 'TLS without checking the server certificate or name (for tests only)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const HeadersSchema = Type.Optional(
  Type.Record(Type.String({ minLength: 1 }), Type.String(), {
    description:
      'extra request headers (gRPC metadata), e.g. an API key; merged over OTEL_EXPORTER_OTLP_HEADERS',
  }),
);

export const CompressionSchema = Type.Optional(
  Type.Union([Type.Literal('gzip'), Type.Literal('none')], {
    description:
      'request body compression (default none, or OTEL_EXPORTER_OTLP_COMPRESSION); gzip for a remote or metered link',
  }),
);

/** What both OTLP exporters take besides their endpoint keys (and core's sending settings). */
export const ConnectionProperties = {
  tls: TlsSchema,
  headers: HeadersSchema,
  timeout: UnsetDuration(
    'longest one request may take (default 10s, or OTEL_EXPORTER_OTLP_TIMEOUT)',
  ),
  compression: CompressionSchema,
};

export type ConnectionConfig = Static<TObject<typeof ConnectionProperties>>;
