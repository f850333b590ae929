import { Type, type Static } from '@sinclair/typebox';
import { SendingSettingsProperties } from '@kspan/core/config';
import { ConnectionProperties } from '../common/config-schemas.js';

// Settings an OTEL_* variable can supply have no schema default: config, then env, then the
// built-in default (named in each description) is resolved in settings.ts.
export const OtlpGrpcConfigSchema = Type.Object(
  {
    endpoint: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'host:port of the OTLP/gRPC receiver, or an http:// (plain) or https:// (TLS) URL (default http://localhost:4317, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT)',
      }),
    ),
    ...ConnectionProperties,
    ...SendingSettingsProperties,
  },
  { additionalProperties: false },
);

export type OtlpGrpcConfig = Static<typeof OtlpGrpcConfigSchema>;
