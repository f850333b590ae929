import { access, constants } from 'node:fs/promises';
import {
  Service,
  createLogger,
  escapeControlChars,
  loadConfigFile,
  stoppedClock,
  validateConfig,
} from '@kspan/core';
import {
  CONTINUATIONS_METRIC,
  DRAWN_EARLY_METRIC,
  type DebugExporterConfig,
} from '@kspan/exporter-debug';
import { components } from '../components.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';
import { ReplaySkips } from './replay-summary.js';
import { blockOnFullStdout } from '../cli/blocking-stdout.js';
import { tuneReplayV8 } from '../cli/replay-v8.js';
import { usageError } from '../cli/usage-error.js';

const FORMATS = ['tree', 'otlp-json'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `kspan replay FILE`: the capture goes through the same engine and components as a live run
 * (k8s_capture → processors → debug or file exporter), so a replay shows what `run` would export.
 */
export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'replay',
    argv,
    {
      format: { type: 'string', short: 'f' },
      config: { type: 'string', short: 'c' },
      width: { type: 'string', short: 'w' },
      strict: { type: 'boolean' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(COMMAND_HELP.replay ?? '');
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw usageError('kspan replay: give exactly one capture FILE (see kspan replay --help)');
  const format = (values.format ?? 'tree') as Format;
  if (!FORMATS.includes(format))
    throw usageError(`kspan replay: unknown --format "${values.format}" (tree or otlp-json)`);
  const width = values.width === undefined ? 0 : Number(values.width);
  if (!Number.isInteger(width) || width < 0)
    throw usageError(
      `kspan replay: --width must be a whole number, 0 or more (got "${values.width}")`,
    );
  try {
    await access(file, constants.R_OK);
  } catch {
    throw usageError(`kspan replay: cannot read ${file}`);
  }

  let processorIds = ['causality'];
  let processors: Record<string, unknown> = { causality: {} };
  // The tree's bound on held spans: the debug exporter's default, or that of a `debug` exporter
  // in `--config`.
  let treeBound: { max_held_spans?: number } = {};
  if (values.config) {
    const base = await loadConfigFile(values.config, components);
    const debug = [...base.exporters.values()].find((e) => e.factory.type === 'debug');
    if (debug) treeBound = { max_held_spans: (debug.config as DebugExporterConfig).max_held_spans };
    const first = base.pipelines[0];
    if (first) {
      processorIds = first.processors;
      processors = Object.fromEntries(
        processorIds.map((id) => [id, base.processors.get(id)?.config ?? {}]),
      );
    }
  }
  const exporterId = format === 'tree' ? 'debug' : 'file';
  // A line is a full batch (512 spans) or the end of the input, never what a wall-clock batch
  // timeout cut off: a pause in reading (a slow disk, a pipe, a busy machine) moved a line's end,
  // so the same capture gave other bytes.
  const fileExporter = { path: '-', batch: { timeout: '24h' } };
  const raw = {
    receivers: { k8s_capture: { path: file } },
    processors,
    exporters:
      format === 'tree'
        ? { debug: { trace_idle: '24h', width, ...treeBound } }
        : { file: fileExporter },
    service: {
      pipelines: {
        traces: { receivers: ['k8s_capture'], processors: processorIds, exporters: [exporterId] },
      },
    },
  };
  const config = validateConfig(raw, components, 'replay');
  const skips = new ReplaySkips(new Set([exporterId]));
  const logger = createLogger({ level: 'warn', observe: skips.observe });
  // The capture's own times are the replay's only time: the same file gives the same spans.
  const service = Service.build(config, { logger, clock: stoppedClock() });
  tuneReplayV8(); // heap growth step, inlining budget, unless the user chose (cli/replay-v8.ts)
  blockOnFullStdout(); // a slow reader slows the replay down instead of spans being dropped
  await service.run();

  const tally = service.tallies.get(exporterId);
  const lost = tally ? tally.failed + tally.dropped : 0;
  const events = await service.metrics.value('receiver_items_total', { component: 'k8s_capture' });
  if (events === 0) process.stderr.write(`kspan replay: ${file}: 0 events\n`);
  if (skips.total > 0 || lost > 0) {
    const parts = [skips.describe(), lost > 0 ? `${exporterId}: ${lost} spans not exported` : ''];
    process.stderr.write(`kspan replay: ${parts.filter(Boolean).join('; ')}\n`);
  }
  if (format === 'tree') {
    const debug = config.exporters.get(exporterId)?.config as DebugExporterConfig | undefined;
    if (debug) await reportEarlyDraws(service, debug.max_held_spans);
  }
  for (const f of service.receiverFailures)
    process.stderr.write(`kspan replay: ${f.receiver} failed: ${escapeControlChars(f.error)}\n`);
  if (lost > 0 || service.receiverFailures.length > 0) return 1;
  return values.strict && skips.total > 0 ? 1 : 0;
}

/** Says on stderr how many traces the tree drew before the end of the input, and why. */
async function reportEarlyDraws(service: Service, maxHeldSpans: number): Promise<void> {
  const labels = { component: 'debug' };
  const early = await service.metrics.value(DRAWN_EARLY_METRIC, labels);
  if (early === 0) return;
  const continued = await service.metrics.value(CONTINUATIONS_METRIC, labels);
  process.stderr.write(
    `kspan replay: ${early} trace parts drawn before the end of the input: more than ` +
      `${maxHeldSpans} spans were held, the traces least recently added to went first; ` +
      `${continued} parts continue one drawn before ("part N, continued" in their header)\n`,
  );
}
