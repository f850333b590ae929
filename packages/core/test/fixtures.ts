import { Type } from '@sinclair/typebox';
import { from, map, type Observable } from 'rxjs';
import type {
  Components,
  ExporterFactory,
  ProcessorFactory,
  ReceiverFactory,
} from '../src/component.js';
import { DurationSchema } from '../src/duration.js';
import type { ExportResult, SignalTypes, WatchEvent } from '../src/items.js';

/** A receiver that emits `count` events named ev-0, ev-1, … */
export const fakeReceiver: ReceiverFactory<any, 'k8s_watch'> = {
  kind: 'receiver',
  type: 'fake_events',
  stability: 'development',
  description: 'test receiver',
  produces: 'k8s_watch',
  configSchema: Type.Object(
    {
      count: Type.Integer({ minimum: 0, default: 3 }),
      namespaces: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    },
    { additionalProperties: false },
  ),
  create: (config: { count: number }) =>
    from(
      Array.from({ length: config.count }, (_, i): WatchEvent => ({
        type: 'ADDED',
        object: { kind: 'Event', metadata: { name: `ev-${i}` } },
      })),
    ),
};

/** A processor that turns each watch event into a stand-in "span" (only the fields tests read). */
export const fakeProcessor: ProcessorFactory<any, 'k8s_watch', 'spans'> = {
  kind: 'processor',
  type: 'fake_spans',
  stability: 'development',
  description: 'test processor',
  consumes: 'k8s_watch',
  produces: 'spans',
  configSchema: Type.Object(
    { window: DurationSchema('5s', 'window') },
    { additionalProperties: false },
  ),
  create: () => (source: Observable<WatchEvent>) =>
    source.pipe(
      map((e) => ({ name: String(e.object.metadata?.name) }) as unknown as SignalTypes['spans']),
    ),
};

/** An exporter that hands each span to `sink`, or throws on the n-th when `crash_at` is set. */
export function recordingExporter(type: string, sink: string[]): ExporterFactory<any, 'spans'> {
  return {
    kind: 'exporter',
    type,
    stability: 'development',
    description: 'test exporter',
    consumes: 'spans',
    configSchema: Type.Object(
      { crash_at: Type.Integer({ default: -1 }), endpoint: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    create: (config: { crash_at: number }, ctx) => (source: Observable<SignalTypes['spans']>) => {
      let n = 0;
      return source.pipe(
        map((span): ExportResult => {
          if (n++ === config.crash_at) throw new Error('exporter bug');
          sink.push(span.name);
          return { exporter: ctx.id, code: 'success', spans: 1, failedSpans: 0, attempts: 1 };
        }),
      );
    },
  };
}

export function testComponents(sinks: { a: string[]; b: string[] } = { a: [], b: [] }): Components {
  return {
    receivers: [fakeReceiver],
    processors: [fakeProcessor],
    exporters: [recordingExporter('sink_a', sinks.a), recordingExporter('sink_b', sinks.b)],
  };
}
