import type { TSchema, Static } from '@sinclair/typebox';
import type { Observable, OperatorFunction } from 'rxjs';
import type { Clock } from './clock.js';
import type { ConfigProblem } from './errors.js';
import type { ExportResult, SignalKind, SignalTypes } from './items.js';
import type { Logger } from './logger.js';
import type { Metrics } from './telemetry/metrics.js';
import { silentLogger } from './logger.js';
import { noopMetrics } from './telemetry/metrics.js';
import { systemClock } from './clock.js';

export type Stability = 'development' | 'alpha' | 'beta' | 'stable';
export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension';

/** Readiness a component reports; the service's /readyz is ready when every component is. */
export interface Health {
  setReady(ready: boolean, reason?: string): void;
}

/** What every component gets at `create()`. */
export interface ComponentContext {
  /** The component id as written in the config: `type` or `type/name`. */
  readonly id: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /** Aborts on shutdown; long waits (sleep, connect) listen to it. */
  readonly signal: AbortSignal;
  /**
   * Aborts when a graceful shutdown begins (`Service.shutdown()`: SIGINT/SIGTERM), before the
   * receivers' streams complete: a processor then knows its input was cut off rather than ended
   * (a replay's end) and can hold back what is not final yet.
   */
  readonly stopping: AbortSignal;
  readonly health: Health;
}

export interface FactoryBase<S extends TSchema> {
  readonly type: string;
  readonly stability: Stability;
  readonly description: string;
  /** JSON Schema of the config: validation, defaults, the TypeScript type and the docs, all from here. */
  readonly configSchema: S;
  /**
   * Checks the schema cannot express (a regex compiles, a kind is known, an address parses), run by
   * core's validation once the schema passed, so `kspan validate` rejects what `create()` would.
   * Problem paths are relative to the component's settings (`rules[0].message`; '' for the whole).
   * No I/O. `create()` may assume a config that passed it.
   */
  readonly checkConfig?: (config: Static<S>) => ConfigProblem[];
}

export interface ReceiverFactory<
  S extends TSchema = TSchema,
  K extends SignalKind = SignalKind,
> extends FactoryBase<S> {
  readonly kind: 'receiver';
  readonly produces: K;
  /** A cold Observable: subscribing starts it, completing is a graceful stop. No I/O before subscribe. */
  create(config: Static<S>, ctx: ComponentContext): Observable<SignalTypes[K]>;
  /** The id of the leader-elector extension this receiver's config points at, if any. */
  leaderElectorOf?(config: Static<S>): string | undefined;
}

export interface ProcessorFactory<
  S extends TSchema = TSchema,
  I extends SignalKind = SignalKind,
  O extends SignalKind = SignalKind,
> extends FactoryBase<S> {
  readonly kind: 'processor';
  readonly consumes: I;
  readonly produces: O;
  /** Flushes whatever it holds when its input completes. */
  create(
    config: Static<S>,
    ctx: ComponentContext,
  ): OperatorFunction<SignalTypes[I], SignalTypes[O]>;
}

export interface ExporterFactory<
  S extends TSchema = TSchema,
  I extends SignalKind = SignalKind,
> extends FactoryBase<S> {
  readonly kind: 'exporter';
  readonly consumes: I;
  /** One result per batch; never errors into the stream. Completes once everything is drained. */
  create(config: Static<S>, ctx: ComponentContext): OperatorFunction<SignalTypes[I], ExportResult>;
}

/**
 * A service-wide helper that is not in the data path (the Collector's "extension"): started before
 * the pipelines, stopped after they drained. Listed in `service.extensions`.
 */
export interface Extension {
  start(): Promise<void>;
  /** Called once every exporter drained (or the shutdown deadline passed). */
  shutdown(): Promise<void>;
  /** Set by leader electors: pipelines whose receivers point at this extension export only while leading. */
  readonly leadership?: Leadership;
}

/**
 * Where the leader stands, and its export watermark (see docs/leader-election.md). Standbys keep
 * every stream warm and export nothing.
 */
export interface Leadership {
  /** Emits the current state at once, then every change. */
  readonly leading$: Observable<boolean>;
  /** The watermark the last leader recorded, as read when this replica took the lease. */
  takenOverWatermark(): ExportWatermark | undefined;
  /** The leader records how far its export got; written to the lease soon after (coalesced). */
  recordWatermark(w: ExportWatermark): void;
  /** How long a standby keeps the spans it did not export, for a takeover. */
  readonly retainMs: number;
  /** The largest clock difference between replicas the watermark comparison tolerates. */
  readonly skewMs: number;
}

/** How far a leader's export got: every span emitted up to `emittedAt` was exported, plus `recent`. */
export interface ExportWatermark {
  /** Wall-clock ms at which the last exported span was emitted by the leader's processors. */
  emittedAt: number;
  /** Span ids exported that were emitted within the skew margin before `emittedAt`. */
  recent: string[];
}

export interface ExtensionFactory<S extends TSchema = TSchema> extends FactoryBase<S> {
  readonly kind: 'extension';
  /** No I/O here: it happens in `start()`. */
  create(config: Static<S>, ctx: ComponentContext): Extension;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- a list of factories is heterogeneous by nature */
export type AnyReceiverFactory = ReceiverFactory<any, any>;
export type AnyProcessorFactory = ProcessorFactory<any, any, any>;
export type AnyExporterFactory = ExporterFactory<any, any>;
export type AnyExtensionFactory = ExtensionFactory<any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type AnyFactory =
  AnyReceiverFactory | AnyProcessorFactory | AnyExporterFactory | AnyExtensionFactory;

/** The explicit list of components a distribution offers (no registration by import side effects). */
export interface Components {
  receivers: readonly AnyReceiverFactory[];
  processors: readonly AnyProcessorFactory[];
  exporters: readonly AnyExporterFactory[];
  extensions?: readonly AnyExtensionFactory[];
}

/** A context for using one component on its own, outside a service (embedding, tests). */
export function standaloneContext(overrides: Partial<ComponentContext> = {}): ComponentContext {
  return {
    id: overrides.id ?? 'embedded',
    logger: overrides.logger ?? silentLogger,
    metrics: overrides.metrics ?? noopMetrics(),
    clock: overrides.clock ?? systemClock,
    signal: overrides.signal ?? new AbortController().signal,
    stopping: overrides.stopping ?? new AbortController().signal,
    health: overrides.health ?? { setReady: () => {} },
  };
}
