import { Observable, Subject, bufferCount, type OperatorFunction } from 'rxjs';
import type { ExportResult, SignalTypes, WatchEvent } from '@kspan/core';
import { CaptureDecoder } from '@kspan/receiver-k8s-events';
import { causality } from '@kspan/processor-causality';
import { encodeOtlpProtobuf } from '@kspan/exporter-otlp';

type ReadableSpan = SignalTypes['spans'];

// The pipelines the throughput figures time. Input is pre-generated capture text in 64 KiB chunks;
// decoding runs through the capture receiver's own decoder (what `k8s_capture` does to a file).

export interface RunCounts {
  items: number;
  spans: number;
  bytes: number;
  problems: number;
  /** Nanoseconds inside the capture decoder (split lines, JSON.parse, checks). */
  decodeNs: number;
  /** Nanoseconds inside the OTLP protobuf encoder. */
  encodeNs: number;
}

const newCounts = (): RunCounts => ({
  items: 0,
  spans: 0,
  bytes: 0,
  problems: 0,
  decodeNs: 0,
  encodeNs: 0,
});

/** Capture chunks → watch events, synchronously, through the capture receiver's decoder. */
export function replay(chunks: readonly string[], counts: RunCounts): Observable<WatchEvent> {
  return new Observable<WatchEvent>((subscriber) => {
    const decoder = new CaptureDecoder();
    const take = (decoded: ReturnType<CaptureDecoder['push']>) => {
      for (const d of decoded) {
        if ('event' in d) {
          counts.items++;
          subscriber.next(d.event);
        } else counts.problems++;
      }
    };
    // Decoding is timed apart from what the items cause downstream: push() decodes a whole
    // chunk before take() emits its items.
    const decode = (fn: () => ReturnType<CaptureDecoder['push']>) => {
      const t0 = process.hrtime.bigint();
      const decoded = fn();
      counts.decodeNs += Number(process.hrtime.bigint() - t0);
      return decoded;
    };
    for (const chunk of chunks) {
      take(decode(() => decoder.push(chunk)));
      if (subscriber.closed) return;
    }
    take(decode(() => decoder.end()));
    subscriber.complete();
  });
}

/** replay → causality → OTLP protobuf encoding in batches of 512 (no network). */
export function replayEncode(chunks: readonly string[], window = '5s'): Promise<RunCounts> {
  const counts = newCounts();
  return new Promise((resolve, reject) => {
    replay(chunks, counts)
      .pipe(causality({ window }), bufferCount(512))
      .subscribe({
        next: (batch) => {
          counts.spans += batch.length;
          const t0 = process.hrtime.bigint();
          counts.bytes += encodeOtlpProtobuf(batch).length;
          counts.encodeNs += Number(process.hrtime.bigint() - t0);
        },
        error: reject,
        complete: () => resolve(counts),
      });
  });
}

/**
 * replay → causality → an exporter operator, fed one chunk per macrotask so the exporter's I/O
 * runs, and held back while more than `maxInFlight` spans await their export result (RxJS has
 * no backpressure; without this the exporter's bounded queue would drop what a replay produces
 * faster than the network takes it).
 */
export function replayExport(
  chunks: readonly string[],
  exporter: OperatorFunction<ReadableSpan, ExportResult>,
  maxInFlight: number,
  window = '5s',
): Promise<RunCounts & { failed: number; results: number }> {
  const counts = { ...newCounts(), failed: 0, results: 0 };
  let resolved = 0;
  let wake: (() => void) | undefined;
  const input = new Subject<WatchEvent>();
  return new Promise((resolve, reject) => {
    input
      .pipe(
        causality({ window }),
        (spans) => {
          return new Observable<ReadableSpan>((s) =>
            spans.subscribe({
              next: (span) => {
                counts.spans++;
                s.next(span);
              },
              error: (e) => s.error(e),
              complete: () => s.complete(),
            }),
          );
        },
        exporter,
      )
      .subscribe({
        next: (r) => {
          counts.results++;
          resolved += r.spans;
          counts.failed += r.failedSpans;
          if (wake && counts.spans - resolved <= maxInFlight / 2) {
            const w = wake;
            wake = undefined;
            w();
          }
        },
        error: reject,
        complete: () => resolve(counts),
      });
    const decoder = new CaptureDecoder();
    const take = (decoded: ReturnType<CaptureDecoder['push']>) => {
      for (const d of decoded) {
        if ('event' in d) {
          counts.items++;
          input.next(d.event);
        } else counts.problems++;
      }
    };
    void (async () => {
      for (const chunk of chunks) {
        take(decoder.push(chunk));
        await new Promise<void>((r) => setImmediate(r));
        if (counts.spans - resolved > maxInFlight) await new Promise<void>((r) => (wake = r));
      }
      take(decoder.end());
      input.complete();
    })().catch(reject);
  });
}
