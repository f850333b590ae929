// Compares kspan's OTLP encoders with the official serializers of @opentelemetry/otlp-transformer
// on the spans of a generated workload (decoder → causality), in batches of 512 as the exporters
// send them: spans per CPU-second of each (median of the passes, alternating), and whether the
// output is the same (protobuf bytes; OTLP/JSON text with int64 as strings). Usage (after pnpm build):
//   node --import tsx bench/src/tools/encoders.ts [--events 20000] [--passes 9]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { SignalTypes, WatchEvent } from '@kspan/core';
import { CaptureDecoder } from '@kspan/receiver-k8s-events';
import { causality } from '@kspan/processor-causality';
import { encodeOtlpJsonBytes, encodeOtlpJsonLine, encodeOtlpProtobuf } from '@kspan/exporter-otlp';
import { REPO_ROOT } from '../lib/child.js';
import { makeInput } from '../lib/input.js';
import { cpuSeconds, median } from '../lib/stats.js';

type ReadableSpan = SignalTypes['spans'];
type Serializer = { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };
const official = createRequire(join(REPO_ROOT, 'packages/exporter-otlp/package.json'))(
  '@opentelemetry/otlp-transformer',
) as { ProtobufTraceSerializer: Serializer; JsonTraceSerializer: Serializer };

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const events = flag('--events', 20_000);
const passes = flag('--passes', 9);

const decoder = new CaptureDecoder();
const items: WatchEvent[] = [];
for (const chunk of makeInput({ events, seed: 7 }).chunks)
  for (const d of decoder.push(chunk)) if ('event' in d) items.push(d.event);
const spans = await lastValueFrom(from(items).pipe(causality({ window: '5s' }), toArray()));
const batches: ReadableSpan[][] = [];
for (let i = 0; i < spans.length; i += 512) batches.push(spans.slice(i, i + 512));

const utf8 = new TextDecoder();
/** The official OTLP/JSON text as the file exporter wrote it before: int64 values as strings. */
const officialJson = (b: ReadableSpan[]) =>
  utf8
    .decode(official.JsonTraceSerializer.serializeRequest(b))
    .replace(/"intValue":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, '"intValue":"$1"');
// What each exporter needs: protobuf bytes; for the file exporter a line as UTF-8 bytes (the
// official text was made into bytes by the write).
const encoders: Record<string, (b: ReadableSpan[]) => number> = {
  protobuf_official: (b) => official.ProtobufTraceSerializer.serializeRequest(b)?.length ?? 0,
  protobuf: (b) => encodeOtlpProtobuf(b).length,
  json_line_official: (b) => Buffer.from(officialJson(b) + '\n').length,
  json_line: (b) => encodeOtlpJsonBytes(b, '\n').length,
};

let sameProtobuf = 0;
let sameJson = 0;
for (const b of batches) {
  const mine = Buffer.from(encodeOtlpProtobuf(b));
  if (mine.equals(Buffer.from(official.ProtobufTraceSerializer.serializeRequest(b) ?? [])))
    sameProtobuf++;
  if (encodeOtlpJsonLine(b) === officialJson(b)) sameJson++;
}

const rates: Record<string, number[]> = {};
for (let p = 0; p < passes; p++) {
  for (const [name, encode] of Object.entries(encoders)) {
    const cpu = process.cpuUsage();
    for (const b of batches) encode(b);
    (rates[name] ??= []).push(spans.length / cpuSeconds(cpu));
  }
}
const result: Record<string, number> = { spans: spans.length, batches: batches.length };
for (const [name, r] of Object.entries(rates))
  result[`encode_${name}_spans_per_cpu_s`] = Math.round(median(r));
result.batches_same_protobuf_bytes = sameProtobuf;
result.batches_same_json_text = sameJson;
console.log(JSON.stringify(result, null, 2));
