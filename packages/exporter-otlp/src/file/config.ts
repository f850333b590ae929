import { Type, type Static } from '@sinclair/typebox';
import { BatchSettingsSchema, QueueSettingsSchema } from '@kspan/core/config';

export const FileExporterConfigSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description:
        "file to append OTLP/JSON lines to (its folder is created); '-' for standard output",
    }),
    batch: BatchSettingsSchema,
    // Lines are written one at a time, in order: only the queue's size is a setting here.
    queue: Type.Object(
      { size: QueueSettingsSchema.properties.size },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type FileExporterConfig = Static<typeof FileExporterConfigSchema>;
