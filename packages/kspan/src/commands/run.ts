import { constants } from 'node:os';
import {
  Service,
  escapeControlChars,
  startTelemetryServer,
  loadConfigFile,
  type ExporterTally,
  type ResolvedConfig,
} from '@kspan/core';
import { components } from '../components.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';

export const DEFAULT_CONFIG = 'config/demo.yaml';

/** How long a forced stop (second signal) waits for the summary before exiting regardless. */
const FORCED_EXIT_GRACE_MS = 2000;

/** `kspan run`: runs until the receivers end, or until SIGINT/SIGTERM, then drains. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('run', argv, { config: { type: 'string', short: 'c' } });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.run ?? '');
    return 0;
  }
  const config = await loadConfigFile(values.config ?? DEFAULT_CONFIG, components);
  return runService(config);
}

/**
 * Runs a resolved config as a service with signal handling and the telemetry endpoints. Exit code:
 * 0; 1 when a receiver failed for good or spans were lost at shutdown; 128+signal when a second
 * signal forced the stop.
 */
export async function runService(config: ResolvedConfig): Promise<number> {
  const service = Service.build(config);
  const address = config.telemetry.metrics?.address;
  const telemetry = address
    ? await startTelemetryServer(address, service.metrics, service.health)
    : undefined;
  if (telemetry) service.logger.info('telemetry listening', { url: telemetry.url });

  let forcedBy: NodeJS.Signals | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals === 1) {
      service.logger.info('signal received', { signal });
      void service.shutdown(signal);
      return;
    }
    // A second signal while the shutdown is stuck: stop now, count what is lost, and exit even if
    // something still holds the event loop.
    forcedBy = signal;
    service.logger.warn('second signal; forcing exit', { signal });
    void service.forceStop(signal);
    setTimeout(() => process.exit(128 + constants.signals[signal]), FORCED_EXIT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    void service.run();
    await service.stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await telemetry?.close();
  }
  for (const [id, t] of service.tallies) {
    const lost = Object.keys(t.lost).length > 0;
    service.logger[lost ? 'warn' : 'info']('exporter summary', summaryFields(id, t));
  }
  const lostAtShutdown = service.spansLostAtShutdown;
  if (lostAtShutdown > 0)
    service.logger.error(`${lostAtShutdown} spans lost at shutdown`, {
      outcome: 'dropped',
      reason: 'shutdown',
    });
  for (const f of service.receiverFailures)
    process.stderr.write(
      `kspan run: receiver ${f.receiver} failed: ${escapeControlChars(f.error)}\n`,
    );
  if (forcedBy) return 128 + constants.signals[forcedBy];
  return lostAtShutdown > 0 || service.receiverFailures.length > 0 ? 1 : 0;
}

function summaryFields(id: string, t: ExporterTally): Record<string, unknown> {
  const lost = Object.entries(t.lost)
    .map(([reason, n]) => `${reason}:${n}`)
    .join(',');
  return {
    exporter: id,
    received: t.received,
    sent: t.sent,
    failed: t.failed,
    dropped: t.dropped,
    ...(lost ? { lost } : {}),
  };
}
