import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema, SendingSettingsProperties } from '@kspan/core/config';

/**
 * A duration with no schema default: OTEL_EXPORTER_ZIPKIN_TIMEOUT must be able to supply it, and a
 * default filled in by validation would always win.
 */
function UnsetDuration(description: string) {
  return Type.Optional(DurationSchema(undefined, description));
}

export const ZipkinTlsSchema = Type.Object(
  {
    ca_file: Type.Optional(
      Type.String({
        description: 'PEM file of the CA that signed the server certificate (https only)',
      }),
    ),
    cert_file: Type.Optional(
      Type.String({ description: 'PEM client certificate for mutual TLS; needs key_file' }),
    ),
    key_file: Type.Optional(
      Type.String({ description: 'PEM private key of the client certificate; needs cert_file' }),
    ),
    insecure_skip_verify: Type.Boolean({
      default: false,
      description: 'TLS without checking the server certificate or name (for tests only)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ZipkinExporterConfigSchema = Type.Object(
  {
    endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://\\S+',
        description:
          "Zipkin's span intake URL (default http://localhost:9411/api/v2/spans, or OTEL_EXPORTER_ZIPKIN_ENDPOINT)",
      }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String(), {
        description: 'extra request headers, e.g. for an authenticating proxy',
      }),
    ),
    timeout: UnsetDuration(
      'longest one request may take (default 10s, or OTEL_EXPORTER_ZIPKIN_TIMEOUT)',
    ),
    tls: ZipkinTlsSchema,
    ...SendingSettingsProperties,
  },
  { additionalProperties: false },
);

export type ZipkinExporterConfig = Static<typeof ZipkinExporterConfigSchema>;
