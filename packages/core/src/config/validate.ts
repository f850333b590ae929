import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import type {
  AnyExporterFactory,
  AnyExtensionFactory,
  AnyFactory,
  AnyProcessorFactory,
  AnyReceiverFactory,
  ComponentKind,
  Components,
} from '../component.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { SignalKind } from '../items.js';
import { parseComponentId } from './component-id.js';
import { fromPointer, joinPath } from './path.js';
import { ServiceSchema, type PipelineConfig, type TelemetryConfig } from './service-schema.js';
import { suggestion } from './suggest.js';
import { parseDuration } from '../duration.js';

export interface ResolvedComponent<F extends AnyFactory = AnyFactory> {
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

/** A config that passed every check: components resolved to factories, defaults applied. */
export interface ResolvedConfig {
  receivers: Map<string, ResolvedComponent<AnyReceiverFactory>>;
  processors: Map<string, ResolvedComponent<AnyProcessorFactory>>;
  exporters: Map<string, ResolvedComponent<AnyExporterFactory>>;
  /** The extensions listed in `service.extensions`, in that order. */
  extensions: Map<string, ResolvedComponent<AnyExtensionFactory>>;
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

/** Checks a parsed, env-expanded config; throws one ConfigError listing every problem. */
export function validateConfig(
  raw: unknown,
  components: Components,
  source?: string,
): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const validator = new SchemaValidator();
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
    receivers: new Map<string, ResolvedComponent<AnyReceiverFactory>>(),
    processors: new Map<string, ResolvedComponent<AnyProcessorFactory>>(),
    exporters: new Map<string, ResolvedComponent<AnyExporterFactory>>(),
    extensions: new Map<string, ResolvedComponent<AnyExtensionFactory>>(),
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
    const factories = (components[section] ?? []) as readonly AnyFactory[];
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
      problems.push(...validator.check(factory.configSchema, config, path));
      (resolved[section] as Map<string, ResolvedComponent>).set(id, { id, factory, config });
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
  return { ...resolved, pipelines, telemetry, shutdownTimeoutMs };
}

/**
 * Only extensions listed in `service.extensions` run (as in the Collector); a receiver's
 * leader elector must be one of them.
 */
function enabledExtensions(
  listed: string[],
  resolved: {
    receivers: Map<string, ResolvedComponent<AnyReceiverFactory>>;
    extensions: Map<string, ResolvedComponent<AnyExtensionFactory>>;
  },
  problems: ConfigProblem[],
): Map<string, ResolvedComponent<AnyExtensionFactory>> {
  const enabled = new Map<string, ResolvedComponent<AnyExtensionFactory>>();
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
    receivers: Map<string, ResolvedComponent<AnyReceiverFactory>>;
    processors: Map<string, ResolvedComponent<AnyProcessorFactory>>;
    exporters: Map<string, ResolvedComponent<AnyExporterFactory>>;
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

  const lookup = <F extends AnyFactory>(
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
  const receivers = lookup<AnyReceiverFactory>('receivers', 'receiver', p.receivers);
  const processors = lookup<AnyProcessorFactory>('processors', 'processor', p.processors);
  const exporters = lookup<AnyExporterFactory>('exporters', 'exporter', p.exporters);

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
export function resolveComponentConfig(
  factory: AnyFactory,
  settings: unknown,
  path: string = factory.type,
): unknown {
  const config = structuredClone(settings ?? {});
  const problems = new SchemaValidator().check(factory.configSchema, config, path);
  if (problems.length > 0) throw new ConfigError(problems, path);
  return config;
}

/** ajv with defaults applied in place and every error reported; one compiled validator per schema. */
class SchemaValidator {
  private readonly ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    strict: false,
    verbose: true,
  });
  private readonly compiled = new WeakMap<TSchema, ValidateFunction>();

  check(schema: TSchema, value: unknown, base: string): ConfigProblem[] {
    let fn = this.compiled.get(schema);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.compiled.set(schema, fn);
    }
    if (fn(value)) return [];
    return toProblems(fn.errors ?? [], base);
  }
}

/** ajv errors → one readable problem per wrong value (alternatives collapsed into one line). */
function toProblems(errors: ErrorObject[], base: string): ConfigProblem[] {
  const unionPaths = new Set(
    errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of errors) {
    if (unionPaths.has(e.instancePath) && e.keyword !== 'anyOf') continue;
    let path = fromPointer(base, e.instancePath);
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      path = joinPath(path, key);
      const known = Object.keys(
        (e.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      message = `unknown key${suggestion(key, known)}${known.length ? `; allowed: ${known.join(', ')}` : ''}`;
    } else if (e.keyword === 'anyOf') {
      const d = (e.parentSchema as { description?: string } | undefined)?.description;
      message = `invalid value ${JSON.stringify(e.data)}${d ? `: expected ${d}` : ''}`;
    } else if (e.keyword === 'enum' || e.keyword === 'const') {
      message = `${e.message ?? 'invalid'}: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)}`;
    } else {
      message = `${e.message ?? 'invalid'}${e.keyword === 'type' ? `, got ${JSON.stringify(e.data)}` : ''}`;
    }
    const key = `${path}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}
