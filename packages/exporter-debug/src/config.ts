import { Type, type Static } from '@sinclair/typebox';
import { DurationSchema } from '@kspan/core/config';

export const DebugExporterConfigSchema = Type.Object(
  {
    output: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')], {
      default: 'stdout',
      description: 'where the trees go',
    }),
    verbosity: Type.Union([Type.Literal('basic'), Type.Literal('detailed')], {
      default: 'basic',
      description: 'basic: one line per span; detailed: attributes below each span',
    }),
    width: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'line width; 0: the terminal width, else 80',
    }),
    trace_idle: DurationSchema(
      '3s',
      'a trace is drawn once no span of it arrived for this long (and at the end)',
    ),
    max_held_spans: Type.Integer({
      minimum: 1,
      default: 100_000,
      description:
        'at most this many spans are held: beyond it the traces least recently added to are drawn early (counted); their later spans are drawn as marked continuations',
    }),
  },
  { additionalProperties: false },
);
export type DebugExporterConfig = Static<typeof DebugExporterConfigSchema>;
