import { Type, type Static } from '@sinclair/typebox';
import { SendingSettingsProperties } from '@kspan/core/config';
import { ConnectionProperties } from '../common/config-schemas.js';

const HttpUrl = (description: string) =>
  Type.Optional(Type.String({ pattern: '^https?://\\S+', description }));

// Settings an OTEL_* variable can supply have no schema default: config, then env, then the
// built-in default (named in each description) is resolved in settings.ts.
export const OtlpHttpConfigSchema = Type.Object(
  {
    endpoint: HttpUrl(
      'base URL of the OTLP/HTTP receiver; /v1/traces is appended to its path (default http://localhost:4318, or OTEL_EXPORTER_OTLP_ENDPOINT)',
    ),
    traces_endpoint: HttpUrl(
      'full URL to POST traces to, used as is; wins over endpoint (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)',
    ),
    encoding: Type.Optional(
      Type.Union([Type.Literal('proto'), Type.Literal('json')], {
        description:
          'request body: protobuf or OTLP/JSON (default proto, or json when OTEL_EXPORTER_OTLP_PROTOCOL is http/json)',
      }),
    ),
    ...ConnectionProperties,
    ...SendingSettingsProperties,
  },
  { additionalProperties: false },
);

export type OtlpHttpConfig = Static<typeof OtlpHttpConfigSchema>;
