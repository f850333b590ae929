import { Service, startTelemetryServer, loadConfigFile, type ResolvedConfig } from '@kspan/core';
import { components } from '../components.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';

export const DEFAULT_CONFIG = 'config/demo.yaml';

/** `kspan run`: runs until the receivers end, or until SIGINT/SIGTERM, then drains and exits 0. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('run', argv, { config: { type: 'string', short: 'c' } });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.run ?? '');
    return 0;
  }
  const config = await loadConfigFile(values.config ?? DEFAULT_CONFIG, components);
  return runService(config);
}

/** Runs a resolved config as a service with signal handling and the telemetry endpoints. */
export async function runService(config: ResolvedConfig): Promise<number> {
  const service = Service.build(config);
  const address = config.telemetry.metrics?.address;
  const telemetry = address
    ? await startTelemetryServer(address, service.metrics, service.health)
    : undefined;
  if (telemetry) service.logger.info('telemetry listening', { url: telemetry.url });

  const onSignal = (signal: NodeJS.Signals) => {
    service.logger.info('signal received', { signal });
    void service.shutdown(signal);
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
    service.logger.info('exporter summary', {
      exporter: id,
      sent: t.sent,
      failed: t.failed,
      dropped: t.dropped,
    });
  }
  return 0;
}
