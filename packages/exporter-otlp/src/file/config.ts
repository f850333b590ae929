import { Type, type Static } from '@sinclair/typebox';
import { BatchSettingsSchema } from '@kspan/core';

export const FileExporterConfigSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description:
        "file to append OTLP/JSON lines to (its folder is created); '-' for standard output",
    }),
    batch: BatchSettingsSchema,
  },
  { additionalProperties: false },
);

export type FileExporterConfig = Static<typeof FileExporterConfigSchema>;
