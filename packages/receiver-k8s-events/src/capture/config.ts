import { Type, type Static } from '@sinclair/typebox';

export const CaptureConfigSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description:
        'Capture file to replay: kspan capture format (NDJSON), `kubectl get events -A -o json`, or `kubectl get … -o json --watch [--output-watch-events]` output. Format is detected from the content.',
    }),
    cluster_name: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'k8s.cluster.name for the replayed items, in place of the one the capture recorded (its k8s.cluster.uid is kept)',
      }),
    ),
    speed: Type.Optional(
      Type.Number({
        minimum: 0,
        default: 0,
        description:
          'Replay speed: 0 = as fast as possible; 1 = real time (gaps between `observedAt`, or the event time where it is missing); 2 = twice as fast, 0.5 = half speed.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CaptureConfig = Static<typeof CaptureConfigSchema>;
