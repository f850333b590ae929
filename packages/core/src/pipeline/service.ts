import {
  EMPTY,
  Subject,
  catchError,
  connectable,
  ignoreElements,
  merge,
  takeUntil,
  tap,
  type Connectable,
  type Observable,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { ComponentContext, Extension } from '../component.js';
import type { ResolvedConfig } from '../config/validate.js';
import { KspanError, errorMessage } from '../errors.js';
import type { ExportResult } from '../items.js';
import { createLogger, type Logger } from '../logger.js';
import { HealthRegistry } from '../telemetry/health.js';
import { MetricsRegistry, type CounterMetric } from '../telemetry/metrics.js';
import { registerCollectorAliases } from '../telemetry/collector-metrics.js';
import { gateForPipeline, type LeadershipGate } from './leadership-gate.js';
import { ALREADY_EXPORTED } from '../operators/skip-delivered.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface ServiceOptions {
  logger?: Logger;
  clock?: Clock;
  metrics?: MetricsRegistry;
  health?: HealthRegistry;
}

/**
 * Spans each exporter handled, for summaries and tests. Once the service has stopped,
 * `received === sent + failed + dropped`: what an aborted shutdown cut off is dropped (`shutdown`).
 */
export interface ExporterTally {
  /** Spans that reached the exporter. */
  received: number;
  sent: number;
  failed: number;
  dropped: number;
  batches: number;
  /** Failed and dropped spans by reason (`shutdown`, `queue_full`, `retries_exhausted`, …). */
  lost: Record<string, number>;
}

/** A receiver whose stream ended in an error: it failed for good (transient faults it retries itself). */
export interface ReceiverFailure {
  receiver: string;
  error: string;
}

/**
 * A built pipeline service: receivers merged → processors → fan-out to every exporter. `run()`
 * resolves when every exporter has drained (the input ended, or `shutdown()` stopped it).
 */
export class Service {
  readonly metrics: MetricsRegistry;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  readonly tallies = new Map<string, ExporterTally>();
  /** Receivers that failed for good, in the order they failed. */
  readonly receiverFailures: ReceiverFailure[] = [];

  private readonly clock: Clock;
  private readonly stop$ = new Subject<void>();
  private readonly abort = new AbortController();
  /** Aborted when shutdown() begins (components' `ctx.stopping`). */
  private readonly shutdownBegun = new AbortController();
  private readonly exporterRuns: Array<Observable<never>> = [];
  private readonly connectables: Array<Connectable<unknown>> = [];
  private subscriptions: Subscription[] = [];
  private readonly spanCounters = new Map<string, CounterMetric>();
  private readonly extensions = new Map<string, Extension>();
  /** Exporter id → the leadership gate of the pipeline feeding it. */
  private readonly gates = new Map<string, LeadershipGate>();
  private aborted = false;
  private done?: Promise<void>;
  private stopping?: Promise<void>;
  private markStopped!: () => void;
  /** Resolves once the service has ended: every exporter drained, or shutdown gave up at its deadline. */
  readonly stopped: Promise<void> = new Promise<void>(
    (resolve) =>
      (this.markStopped = () => {
        // What the rate limiters held back is shown now, before the process exits.
        this.logger.flushSuppressed();
        resolve();
      }),
  );

  private constructor(
    private readonly config: ResolvedConfig,
    options: ServiceOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? new MetricsRegistry();
    this.health = options.health ?? new HealthRegistry();
    this.logger =
      options.logger ??
      createLogger({
        level: config.telemetry.logs?.level ?? 'info',
        format: config.telemetry.logs?.format ?? 'text',
      });
  }

  /** Creates every component (no I/O happens until `run()`). */
  static build(config: ResolvedConfig, options: ServiceOptions = {}): Service {
    const service = new Service(config, options);
    service.wire();
    service.metrics.withProcessMetrics();
    registerCollectorAliases(service.metrics, {
      receivers: [...config.receivers.keys()],
      exporters: [...service.tallies.keys()],
    });
    return service;
  }

  private context(id: string): ComponentContext {
    return {
      id,
      logger: this.logger.child({ component: id }),
      metrics: this.metrics.metricsFor(id),
      clock: this.clock,
      signal: this.abort.signal,
      stopping: this.shutdownBegun.signal,
      health: this.health.healthFor(id),
    };
  }

  private wire(): void {
    for (const [id, e] of this.config.extensions)
      this.extensions.set(id, e.factory.create(e.config, this.context(id)));
    const receivers = new Map<string, Observable<unknown>>();
    for (const [id, r] of this.config.receivers) {
      const ctx = this.context(id);
      const items = ctx.metrics.counter('receiver_items_total', 'Items a receiver emitted');
      const source = r.factory.create(r.config, ctx).pipe(
        takeUntil(this.stop$),
        tap(() => items.inc()),
        catchError((err: unknown) => {
          // A receiver's stream errors only when it cannot go on (bad credentials, unreadable
          // file); faults it can recover from it retries itself and never reports here.
          const error = errorMessage(err);
          this.receiverFailures.push({ receiver: id, error });
          ctx.logger.error('receiver failed; it stops, the rest of the service goes on', { error });
          ctx.metrics
            .counter('component_failures_total', 'Components that failed at run time')
            .inc();
          return EMPTY;
        }),
      );
      const c = connectable(source, {
        connector: () => new Subject<unknown>(),
        resetOnDisconnect: false,
      });
      this.connectables.push(c);
      receivers.set(id, c);
    }

    const outputs = new Map<string, Array<Observable<unknown>>>();
    for (const p of this.config.pipelines) {
      const input = merge(...p.receivers.map((id) => receivers.get(id) as Observable<unknown>));
      const processed = p.processors.reduce<Observable<unknown>>((stream, id) => {
        const proc = this.config.processors.get(id);
        if (!proc) return stream;
        const ctx = this.context(id);
        const op = proc.factory.create(proc.config, ctx) as OperatorFunction<unknown, unknown>;
        return stream.pipe(
          op,
          catchError((err: unknown) => {
            ctx.logger.error('processor failed; this pipeline stops', {
              pipeline: p.id,
              error: errorMessage(err),
            });
            ctx.metrics
              .counter('component_failures_total', 'Components that failed at run time')
              .inc();
            return EMPTY;
          }),
        );
      }, input);
      const gate = gateForPipeline(p, this.config, this.extensions, (id) => this.context(id));
      for (const id of gate ? p.exporters : []) this.gates.set(id, gate!);
      const gated = gate
        ? (processed as Observable<ReadableSpan>).pipe(gate.operator())
        : processed;
      const out = connectable(gated, {
        connector: () => new Subject<unknown>(),
        resetOnDisconnect: false,
      });
      this.connectables.unshift(out); // pipelines connect before receivers start emitting
      for (const id of p.exporters) outputs.set(id, [...(outputs.get(id) ?? []), out]);
    }

    for (const [id, e] of this.config.exporters) {
      const feeds = outputs.get(id);
      if (!feeds) continue;
      const ctx = this.context(id);
      const tally: ExporterTally = {
        received: 0,
        sent: 0,
        failed: 0,
        dropped: 0,
        batches: 0,
        lost: {},
      };
      this.tallies.set(id, tally);
      const spans = ctx.metrics.counter('exporter_spans_total', 'Spans per exporter and outcome', [
        'outcome',
        'reason',
      ]);
      this.spanCounters.set(id, spans);
      spans.inc({ outcome: 'sent', reason: '' }, 0);
      const failLog = ctx.logger.rateLimited(`${id}:export-failed`);
      const gate = this.gates.get(id);
      const input = merge(...feeds).pipe(tap(() => tally.received++));
      const op = e.factory.create(e.config, ctx) as OperatorFunction<unknown, ExportResult>;
      const run = input.pipe(
        op,
        tap((r: ExportResult) => {
          tally.batches++;
          gate?.acknowledge(id, r.spans);
          if (r.spans - r.failedSpans > 0) {
            tally.sent += r.spans - r.failedSpans;
            spans.inc({ outcome: 'sent', reason: '' }, r.spans - r.failedSpans);
          }
          if (r.failedSpans > 0) {
            const outcome = r.code === 'dropped' ? 'dropped' : 'failed';
            countLost(tally, spans, outcome, r.reason ?? 'unknown', r.failedSpans);
            // Skipping what an earlier run delivered is the ledger doing its work, not a loss.
            if (r.reason !== ALREADY_EXPORTED)
              failLog.warn('spans not exported', {
                reason: r.reason,
                spans: r.failedSpans,
                ...(r.error ? { error: errorMessage(r.error) } : {}),
              });
          }
        }),
        ignoreElements(),
        catchError((err: unknown) => {
          // The exporter itself broke: it stops, the others go on, and what it would have got is counted.
          ctx.logger.error('exporter crashed; its spans are counted as dropped from now on', {
            error: errorMessage(err),
          });
          ctx.metrics
            .counter('component_failures_total', 'Components that failed at run time')
            .inc();
          // What it held when it broke is lost too.
          const held = tally.received - tally.sent - tally.failed - tally.dropped;
          if (held > 0) countLost(tally, spans, 'dropped', 'exporter_crashed', held);
          return input.pipe(
            tap(() => countLost(tally, spans, 'dropped', 'exporter_crashed', 1)),
            ignoreElements(),
          );
        }),
      );
      this.exporterRuns.push(run);
    }
  }

  /** Starts everything; resolves once every exporter has drained. */
  run(): Promise<void> {
    if (this.done) return this.done;
    this.done = this.startExtensions()
      .then((started) => (started ? this.runPipelines() : undefined))
      .then(() => this.stopExtensions());
    void this.done.then(() => this.markStopped());
    return this.done;
  }

  /** False when one could not start: the service then ends at once (exit code 1). */
  private async startExtensions(): Promise<boolean> {
    for (const [id, e] of this.extensions) {
      try {
        await e.start();
      } catch (err) {
        const error = errorMessage(err);
        this.receiverFailures.push({ receiver: id, error });
        this.logger.error('extension could not start; the service stops', {
          extension: id,
          error,
        });
        return false;
      }
    }
    return true;
  }

  /** After the exporters drained: a leader elector records its last watermark and releases. */
  private async stopExtensions(): Promise<void> {
    for (const [id, e] of [...this.extensions].reverse()) {
      await e.shutdown().catch((err: unknown) =>
        this.logger.warn('extension did not stop cleanly', {
          extension: id,
          error: errorMessage(err),
        }),
      );
    }
  }

  private runPipelines(): Promise<void> {
    return new Promise<void>((resolve) => {
      let pending = this.exporterRuns.length;
      if (pending === 0) resolve();
      for (const run of this.exporterRuns) {
        this.subscriptions.push(
          run.subscribe({
            complete: () => {
              if (--pending === 0) resolve();
            },
          }),
        );
      }
      for (const c of this.connectables) this.subscriptions.push(c.connect());
    });
  }

  /**
   * Graceful stop: receivers stop, processors flush, exporters drain; after the configured
   * deadline whatever is still running is aborted.
   */
  shutdown(reason = 'shutdown'): Promise<void> {
    if (this.stopping) return this.stopping;
    this.logger.info('shutting down', { reason, deadline_ms: this.config.shutdownTimeoutMs });
    // Before the receivers complete: processors see their input cut off, not ended.
    this.shutdownBegun.abort();
    this.stop$.next();
    this.stop$.complete();
    const done = this.done ?? Promise.resolve();
    const deadline = new AbortController();
    this.stopping = Promise.race([
      done.then(() => 'drained' as const),
      this.clock.sleep(this.config.shutdownTimeoutMs, deadline.signal).then(
        () => 'timeout' as const,
        () => 'drained' as const,
      ),
    ]).then((outcome) => {
      deadline.abort();
      if (outcome === 'timeout' && !this.aborted) this.abortRunning('shutdown deadline passed');
      this.markStopped();
    });
    return this.stopping;
  }

  /**
   * Stops at once, without waiting for the deadline (a second Ctrl-C): what is still running is
   * aborted and every span not yet exported is counted as dropped (`shutdown`).
   */
  forceStop(reason = 'forced'): Promise<void> {
    if (!this.stopping) void this.shutdown(reason);
    if (!this.aborted) this.abortRunning(`stop forced (${reason})`);
    this.markStopped();
    return this.stopped;
  }

  /** Spans that were lost because the shutdown cut them off, over every exporter. */
  get spansLostAtShutdown(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.lost['shutdown'] ?? 0;
    return n;
  }

  private abortRunning(why: string): void {
    this.aborted = true;
    this.logger.error(`${why}; aborting what is still running`);
    this.abort.abort(new KspanError('SHUTDOWN_TIMEOUT', why));
    for (const s of this.subscriptions) s.unsubscribe();
    // Spans that reached an exporter and got no result (queued, in a batch, in flight) end here:
    // dropped, reason `shutdown`, so that every span is accounted for.
    for (const [id, tally] of this.tallies) {
      const open = tally.received - tally.sent - tally.failed - tally.dropped;
      const spans = this.spanCounters.get(id);
      if (open > 0 && spans) countLost(tally, spans, 'dropped', 'shutdown', open);
    }
  }
}

function countLost(
  tally: ExporterTally,
  spans: CounterMetric,
  outcome: 'failed' | 'dropped',
  reason: string,
  n: number,
): void {
  tally[outcome] += n;
  tally.lost[reason] = (tally.lost[reason] ?? 0) + n;
  spans.inc({ outcome, reason }, n);
}
