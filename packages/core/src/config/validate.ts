import type { Static, TSchema } from '@sinclair/typebox';
import type {
  AnyExporterSpec,
  AnyExtensionSpec,
  AnyFactory,
  AnyProcessorSpec,
  AnyReceiverSpec,
  AnySpec,
  ComponentKind,
  Components,
  ComponentSpecs,
  FactoryBase,
} from '../component.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { SignalKind } from '../items.js';
import { parseComponentId } from './component-id.js';
import { parseListenAddress } from './listen-address.js';
import { joinPath } from './path.js';
import { SchemaValidator, type CompiledCheck } from './schema-check.js';
import { ServiceSchema, type PipelineConfig, type TelemetryConfig } from './service-schema.js';
import { suggestion } from './suggest.js';
import { parseDuration } from '../duration.js';

export interface ResolvedComponent<F extends AnySpec = AnyFactory> {
  id: string;
  factory: F;
  /** The component's config with defaults applied. */
  config: unknown;
}

export interface ResolvedPipeline {
  id: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/**
 * A config that passed every check: components resolved to factories (or to the specs it was
 * checked against, `C`), defaults applied.
 */
export interface ResolvedConfig<C extends ComponentSpecs = Components> {
  receivers: Map<string, ResolvedComponent<C['receivers'][number]>>;
  processors: Map<string, ResolvedComponent<C['processors'][number]>>;
  exporters: Map<string, ResolvedComponent<C['exporters'][number]>>;
  /** The extensions listed in `service.extensions`, in that order. */
  extensions: Map<string, ResolvedComponent<NonNullable<C['extensions']>[number]>>;
  pipelines: ResolvedPipeline[];
  telemetry: TelemetryConfig;
  shutdownTimeoutMs: number;
}

const SECTIONS = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['extensions', 'extension'],
] as const;
const TOP_KEYS = ['receivers', 'processors', 'exporters', 'extensions', 'service'];
/** Shared: compiled schemas are cached per schema object. */
const validator = new SchemaValidator();

/**
 * Checks generated ahead of time (ajv standalone code, with AJV_OPTIONS) for these schemas: used
 * instead of compiling each at run time, so a command that only checks a config loads no ajv.
 */
export function usePrecompiledChecks(checks: Iterable<[TSchema, CompiledCheck]>): void {
  for (const [schema, check] of checks) validator.precompile(schema, check);
}

/**
 * Checks a parsed, env-expanded config; throws one ConfigError listing every problem. `components`
 * may be the factories (to build a Service) or only their specs (to check, e.g. `kspan validate`).
 */
export function validateConfig<C extends ComponentSpecs>(
  raw: unknown,
  components: C,
  source?: string,
): ResolvedConfig<C> {
  const problems: ConfigProblem[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      [
        {
          path: '',
          message: 'the config must be a mapping with receivers, processors, exporters and service',
        },
      ],
      source,
    );
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.includes(key))
      problems.push({ path: key, message: `unknown key${suggestion(key, TOP_KEYS)}` });
  }

  const resolved = {
    receivers: new Map<string, ResolvedComponent<AnyReceiverSpec>>(),
    processors: new Map<string, ResolvedComponent<AnyProcessorSpec>>(),
    exporters: new Map<string, ResolvedComponent<AnyExporterSpec>>(),
    extensions: new Map<string, ResolvedComponent<AnyExtensionSpec>>(),
  };
  for (const [section, kind] of SECTIONS) {
    const entries = doc[section];
    if (entries === undefined || entries === null) continue;
    if (typeof entries !== 'object' || Array.isArray(entries)) {
      problems.push({
        path: section,
        message: `must be a mapping of ${kind} ids to their settings`,
      });
      continue;
    }
    const factories = (components[section] ?? []) as readonly AnySpec[];
    for (const [id, settings] of Object.entries(entries as Record<string, unknown>)) {
      const path = joinPath(section, id);
      const parsed = parseComponentId(id);
      if (!parsed) {
        problems.push({
          path,
          message: `invalid ${kind} id: use <type> or <type>/<name> (lower_snake_case type)`,
        });
        continue;
      }
      const factory = factories.find((f) => f.type === parsed.type);
      if (!factory) {
        const known = factories.map((f) => f.type);
        problems.push({
          path,
          message: `unknown ${kind} type "${parsed.type}"${suggestion(parsed.type, known)}; known: ${known.join(', ') || 'none'}`,
        });
        continue;
      }
      const config = settings ?? {};
      problems.push(...validator.checkComponent(factory, config, path));
      (resolved[section] as Map<string, ResolvedComponent<AnySpec>>).set(id, {
        id,
        factory,
        config,
      });
    }
  }

  const service = doc.service;
  let pipelines: ResolvedPipeline[] = [];
  let telemetry: TelemetryConfig = {};
  let shutdownTimeoutMs = 10_000;
  if (service === undefined) {
    problems.push({ path: 'service', message: 'missing: a config needs service.pipelines' });
  } else {
    const serviceProblems = validator.check(ServiceSchema, service, 'service');
    problems.push(...serviceProblems);
    if (serviceProblems.length === 0) {
      const s = service as {
        pipelines: Record<string, PipelineConfig>;
        telemetry?: TelemetryConfig;
        shutdown_timeout?: string | number;
        extensions?: string[];
      };
      telemetry = s.telemetry ?? {};
      problems.push(...checkTelemetry(telemetry));
      shutdownTimeoutMs = parseDuration(s.shutdown_timeout ?? '10s');
      pipelines = Object.entries(s.pipelines).map(([id, p]) => ({
        id,
        receivers: p.receivers,
        processors: p.processors ?? [],
        exporters: p.exporters,
      }));
      if (pipelines.length === 0)
        problems.push({ path: 'service.pipelines', message: 'no pipeline defined' });
      for (const p of pipelines) problems.push(...checkPipeline(p, resolved, entriesOf(doc)));
      resolved.extensions = enabledExtensions(s.extensions ?? [], resolved, problems);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems, source);
  // Each entry's factory was taken from `components`, so it is of C's types.
  return { ...resolved, pipelines, telemetry, shutdownTimeoutMs } as unknown as ResolvedConfig<C>;
}

/** What the telemetry server would refuse at start-up, refused here instead. */
function checkTelemetry(telemetry: TelemetryConfig): ConfigProblem[] {
  const address = telemetry.metrics?.address;
  if (!address) return [];
  const parsed = parseListenAddress(address);
  return typeof parsed === 'string'
    ? [{ path: 'service.telemetry.metrics.address', message: parsed }]
    : [];
}

/**
 * Only extensions listed in `service.extensions` run (as in the Collector); a receiver's
 * leader elector must be one of them.
 */
function enabledExtensions(
  listed: string[],
  resolved: {
    receivers: Map<string, ResolvedComponent<AnyReceiverSpec>>;
    extensions: Map<string, ResolvedComponent<AnyExtensionSpec>>;
  },
  problems: ConfigProblem[],
): Map<string, ResolvedComponent<AnyExtensionSpec>> {
  const enabled = new Map<string, ResolvedComponent<AnyExtensionSpec>>();
  listed.forEach((id, i) => {
    const e = resolved.extensions.get(id);
    if (e) enabled.set(id, e);
    else
      problems.push({
        path: joinPath('service.extensions', i),
        message: `extension "${id}" is not defined under extensions${suggestion(id, [...resolved.extensions.keys()])}`,
      });
  });
  for (const [id, r] of resolved.receivers) {
    const elector = r.factory.leaderElectorOf?.(r.config);
    if (elector !== undefined && !enabled.has(elector))
      problems.push({
        path: joinPath(joinPath('receivers', id), 'k8s_leader_elector'),
        message: `extension "${elector}" is not listed in service.extensions`,
      });
  }
  return enabled;
}

function entriesOf(doc: Record<string, unknown>): Record<string, string[]> {
  const ids = (section: string) => {
    const v = doc[section];
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
  };
  return {
    receivers: ids('receivers'),
    processors: ids('processors'),
    exporters: ids('exporters'),
    extensions: ids('extensions'),
  };
}

/** References resolve, and each stage consumes what the one before it produces. */
function checkPipeline(
  p: ResolvedPipeline,
  resolved: {
    receivers: Map<string, ResolvedComponent<AnyReceiverSpec>>;
    processors: Map<string, ResolvedComponent<AnyProcessorSpec>>;
    exporters: Map<string, ResolvedComponent<AnyExporterSpec>>;
  },
  declared: Record<string, string[]>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const base = joinPath('service.pipelines', p.id);
  if (p.receivers.length === 0)
    problems.push({
      path: joinPath(base, 'receivers'),
      message: 'a pipeline needs at least one receiver',
    });
  if (p.exporters.length === 0)
    problems.push({
      path: joinPath(base, 'exporters'),
      message: 'a pipeline needs at least one exporter',
    });

  const lookup = <F extends AnySpec>(
    section: 'receivers' | 'processors' | 'exporters',
    kind: ComponentKind,
    ids: string[],
  ) =>
    ids.map((id, i) => {
      const c = (resolved[section] as Map<string, ResolvedComponent<F>>).get(id);
      // An id that is declared but invalid was reported already; only report ones never declared.
      if (!c && !declared[section]?.includes(id)) {
        problems.push({
          path: joinPath(joinPath(base, section), i),
          message: `${kind} "${id}" is not defined under ${section}${suggestion(id, declared[section] ?? [])}`,
        });
      }
      return c;
    });
  for (const section of ['receivers', 'processors', 'exporters'] as const) {
    // The same id twice would run the component twice on every item (each span exported twice).
    p[section].forEach((id, i) => {
      if (p[section].indexOf(id) !== i)
        problems.push({
          path: joinPath(joinPath(base, section), i),
          message: `"${id}" is listed twice in this pipeline`,
        });
    });
  }
  const receivers = lookup<AnyReceiverSpec>('receivers', 'receiver', p.receivers);
  const processors = lookup<AnyProcessorSpec>('processors', 'processor', p.processors);
  const exporters = lookup<AnyExporterSpec>('exporters', 'exporter', p.exporters);

  const kinds = new Set(receivers.flatMap((r) => (r ? [r.factory.produces as SignalKind] : [])));
  if (kinds.size > 1) {
    problems.push({
      path: joinPath(base, 'receivers'),
      message: `receivers produce different signals (${[...kinds].join(', ')})`,
    });
    return problems;
  }
  let carried: SignalKind | undefined = [...kinds][0];
  processors.forEach((proc, i) => {
    if (!proc) {
      carried = undefined;
      return;
    }
    if (carried && proc.factory.consumes !== carried) {
      problems.push({
        path: joinPath(joinPath(base, 'processors'), i),
        message: `processor "${proc.id}" consumes ${proc.factory.consumes}, but the pipeline carries ${carried} here`,
      });
    }
    carried = proc.factory.produces as SignalKind;
  });
  exporters.forEach((exp, i) => {
    if (exp && carried && exp.factory.consumes !== carried) {
      const hint =
        carried === 'k8s_watch' ? ' (add the causality processor to turn events into spans)' : '';
      problems.push({
        path: joinPath(joinPath(base, 'exporters'), i),
        message: `exporter "${exp.id}" consumes ${exp.factory.consumes}, but the pipeline carries ${carried} here${hint}`,
      });
    }
  });
  return problems;
}

/**
 * One component's settings checked and completed the way `validateConfig` does it (same messages,
 * same defaults), for tools that build a single component outside a pipeline config. `path` names
 * the settings in messages, e.g. `receivers.k8s_events`. Throws a ConfigError listing every problem.
 */
export function resolveComponentConfig<S extends TSchema>(
  factory: ComponentConfigOwner<S>,
  settings: unknown,
  path: string = factory.type,
): Static<S> {
  const config: unknown = structuredClone(settings ?? {});
  const problems = validator.checkComponent(factory, config, path);
  if (problems.length > 0) throw new ConfigError(problems, path);
  return config as Static<S>;
}

/** What checking a component's settings needs of its factory. */
export type ComponentConfigOwner<S extends TSchema> = Pick<
  FactoryBase<S>,
  'type' | 'configSchema' | 'checkConfig'
>;
