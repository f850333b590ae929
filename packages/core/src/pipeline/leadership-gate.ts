import { Observable, type OperatorFunction } from 'rxjs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Clock } from '../clock.js';
import type { ComponentContext, ExportWatermark, Extension, Leadership } from '../component.js';
import type { ResolvedConfig, ResolvedPipeline } from '../config/validate.js';
import { KspanError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../telemetry/metrics.js';

interface Emitted {
  id: string;
  /** Wall-clock ms at which the processors emitted it here. */
  at: number;
}
interface Retained extends Emitted {
  span: ReadableSpan;
}

/**
 * Lets spans through to the exporters only while this replica leads (docs/leader-election.md).
 * A standby retains what its processors emit for `retainMs` (not the spans of events from before it
 * started: its first list replays those, and the leader of that time exported them); on takeover it
 * re-emits what came after the old leader's watermark and skips span ids the old leader reported. The
 * leader reports its own watermark as the exporters acknowledge batches (in order).
 */
export class LeadershipGate {
  private leading = false;
  private retained: Retained[] = [];
  /** Spans let through and not yet acknowledged by every exporter, in emission order. */
  private inFlight: Emitted[] = [];
  /** Acknowledged within the skew margin of the newest acknowledged one. */
  private recentAcked: Emitted[] = [];
  private readonly acked = new Map<string, number>();
  private released = 0;
  /** Span ids the previous leader exported, and until when to keep skipping them. */
  private skip = new Set<string>();
  private skipUntil = 0;
  private readonly retainedGauge;
  private readonly reemitted;
  private readonly skipped;
  private readonly expired;
  private readonly historical;
  /** When this replica started: events from before it were the leader of that time's to export. */
  private readonly startedAt: number;

  constructor(
    private readonly leadership: Leadership,
    private readonly clock: Clock,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.retainedGauge = metrics.gauge('standby_retained_spans', 'Spans a standby holds');
    this.retainedGauge.set({}, 0);
    const counter = (name: string, help: string) => metrics.counter(name, help);
    this.reemitted = counter(
      'takeover_reemitted_spans_total',
      'Spans a new leader exported from what it retained as standby',
    );
    this.skipped = counter(
      'takeover_skipped_spans_total',
      'Spans not exported because the previous leader had exported them',
    );
    this.expired = counter(
      'standby_expired_spans_total',
      'Spans a standby discarded after holding them for the retention time (no takeover came)',
    );
    this.historical = counter(
      'standby_historical_spans_total',
      'Spans of events from before this replica started, not retained (the leader of the time had them)',
    );
    this.startedAt = clock.now();
  }

  /** Registers an exporter whose acknowledgements move the watermark. */
  addExporter(id: string): void {
    this.acked.set(id, 0);
  }

  operator(): OperatorFunction<ReadableSpan, ReadableSpan> {
    return (input) =>
      new Observable<ReadableSpan>((out) => {
        const pass = (span: ReadableSpan, at: number) => {
          this.inFlight.push({ id: span.spanContext().spanId, at });
          out.next(span);
        };
        const leadSub = this.leadership.leading$.subscribe((leading) => {
          if (leading === this.leading) return;
          this.leading = leading;
          if (leading) for (const r of this.takeOver()) pass(r.span, r.at);
        });
        const inputSub = input.subscribe({
          next: (span) => {
            const at = this.clock.now();
            const id = span.spanContext().spanId;
            if (this.skipping(id)) return;
            if (this.leading) pass(span, at);
            else if (endMs(span) < this.startedAt - this.leadership.skewMs) this.historical.inc();
            else this.retain({ span, id, at });
          },
          error: (err: unknown) => out.error(err),
          complete: () => out.complete(),
        });
        return () => {
          inputSub.unsubscribe();
          leadSub.unsubscribe();
        };
      });
  }

  /** An exporter acknowledged `n` more spans (sent, failed or dropped: either way done with). */
  acknowledge(exporter: string, n: number): void {
    this.acked.set(exporter, (this.acked.get(exporter) ?? 0) + n);
    const done = Math.min(...this.acked.values());
    if (done <= this.released) return;
    const now = this.inFlight.splice(0, done - this.released);
    this.released = done;
    const last = now.at(-1);
    if (!last) return;
    this.recentAcked.push(...now);
    const from = last.at - this.leadership.skewMs;
    this.recentAcked = this.recentAcked.filter((e) => e.at > from);
    const w: ExportWatermark = { emittedAt: last.at, recent: this.recentAcked.map((e) => e.id) };
    this.leadership.recordWatermark(w);
  }

  private skipping(id: string): boolean {
    if (this.skip.size === 0) return false;
    if (this.clock.now() > this.skipUntil) {
      this.skip = new Set();
      return false;
    }
    if (!this.skip.has(id)) return false;
    this.skipped.inc();
    return true;
  }

  private retain(r: Retained): void {
    this.retained.push(r);
    const oldest = r.at - this.leadership.retainMs;
    let n = 0;
    while (n < this.retained.length && (this.retained[n] as Retained).at < oldest) n++;
    if (n > 0) {
      this.retained.splice(0, n);
      this.expired.inc({}, n);
    }
    this.retainedGauge.set({}, this.retained.length);
  }

  /** What a new leader exports from its standby time: everything after the old leader's watermark. */
  private takeOver(): Retained[] {
    const w = this.leadership.takenOverWatermark();
    const held = this.retained;
    this.retained = [];
    this.retainedGauge.set({}, 0);
    // What this replica had let through while it led before is not its to report any more.
    this.inFlight = [];
    this.recentAcked = [];
    this.released = 0;
    for (const k of this.acked.keys()) this.acked.set(k, 0);
    if (w) {
      this.skip = new Set(w.recent);
      this.skipUntil = this.clock.now() + this.leadership.retainMs;
    }
    const from = w ? w.emittedAt - this.leadership.skewMs : -Infinity;
    const out = held.filter((r) => r.at > from && !this.skip.has(r.id));
    this.skipped.inc({}, held.filter((r) => r.at > from && this.skip.has(r.id)).length);
    this.reemitted.inc({}, out.length);
    this.logger.info('took over the export', {
      retained: held.length,
      reemitted: out.length,
      watermark: w ? new Date(w.emittedAt).toISOString() : 'none',
      recent_ids: w?.recent.length ?? 0,
    });
    return out;
  }
}

function endMs(span: ReadableSpan): number {
  return span.endTime[0] * 1000 + span.endTime[1] / 1e6;
}

/**
 * The gate of a pipeline whose receivers point at a leader elector, or undefined. One gated
 * pipeline per elector: its watermark is one position in one stream of spans.
 */
export function gateForPipeline(
  p: ResolvedPipeline,
  config: ResolvedConfig,
  extensions: Map<string, Extension>,
  context: (id: string) => ComponentContext,
  gated = gatedElectors,
): LeadershipGate | undefined {
  const electors = new Set(
    p.receivers.flatMap((id) => {
      const r = config.receivers.get(id);
      const e = r?.factory.leaderElectorOf?.(r.config);
      return e === undefined ? [] : [e];
    }),
  );
  if (electors.size === 0) return undefined;
  const [electorId] = [...electors] as [string];
  const leadership = extensions.get(electorId)?.leadership;
  if (electors.size > 1 || !leadership || gated.has(leadership))
    throw new KspanError(
      'CONFIG_INVALID',
      `pipeline ${p.id}: its receivers must point at one leader elector that no other pipeline uses`,
    );
  gated.add(leadership);
  const ctx = context(electorId);
  const gate = new LeadershipGate(leadership, ctx.clock, ctx.logger, ctx.metrics);
  for (const id of p.exporters) gate.addExporter(id);
  return gate;
}
const gatedElectors = new WeakSet<Leadership>();
