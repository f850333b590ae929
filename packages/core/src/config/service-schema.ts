import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema } from '../duration.js';

const IdList = (what: string) =>
  Type.Array(Type.String({ minLength: 1 }), { description: `ids of the ${what} of this pipeline` });

export const PipelineSchema = Type.Object(
  {
    receivers: IdList('receivers'),
    processors: Type.Optional(IdList('processors, applied in order')),
    exporters: IdList('exporters'),
  },
  { additionalProperties: false },
);

export const TelemetrySchema = Type.Object(
  {
    metrics: Type.Optional(
      Type.Object(
        {
          address: Type.Optional(
            Type.String({
              description:
                'host:port of /metrics, /healthz and /readyz; empty or absent: no server',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    logs: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(
            Type.Union(
              [
                Type.Literal('debug'),
                Type.Literal('info'),
                Type.Literal('warn'),
                Type.Literal('error'),
              ],
              {
                default: 'info',
              },
            ),
          ),
          format: Type.Optional(
            Type.Union([Type.Literal('text'), Type.Literal('json')], { default: 'text' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ServiceSchema = Type.Object(
  {
    pipelines: Type.Record(
      Type.String({ pattern: '^traces(/[A-Za-z0-9_.-]+)?$' }),
      PipelineSchema,
      {
        description: 'named pipelines: `traces` or `traces/<name>`',
        // Another name (`logs`, `trace`) is refused, not silently left out.
        additionalProperties: false,
      },
    ),
    extensions: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'ids of the extensions to run (e.g. k8s_leader_elector), started in order',
      }),
    ),
    telemetry: Type.Optional(TelemetrySchema),
    shutdown_timeout: Type.Optional(
      DurationSchema(
        '10s',
        'how long processors and exporters may take to flush and drain on shutdown',
      ),
    ),
  },
  { additionalProperties: false },
);

export type PipelineConfig = Static<typeof PipelineSchema>;
export type TelemetryConfig = Static<typeof TelemetrySchema>;
