import { Subject, takeUntil } from 'rxjs';
import {
  createLogger,
  loadConfigFile,
  resolveComponentConfig,
  standaloneContext,
} from '@kspan/core';
import { captureTo, k8sEventsReceiver, type EventsConfig } from '@kspan/receiver-k8s-events';
import { components } from '../components.js';
import { parseCommandArgs } from '../cli/args.js';
import { COMMAND_HELP } from '../cli/help.js';
import { usageError } from '../cli/usage-error.js';

/** `kspan capture`: the live receiver's stream, as capture lines, until SIGINT/SIGTERM. */
export async function captureCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('capture', argv, {
    output: { type: 'string', short: 'o' },
    config: { type: 'string', short: 'c' },
  });
  if (values.help) {
    process.stdout.write(COMMAND_HELP.capture ?? '');
    return 0;
  }
  if (!values.output) throw usageError('kspan capture: --output FILE is required');

  const receiverConfig = await receiverSettings(values.config);
  const logger = createLogger({ level: 'info' });
  const stop$ = new Subject<void>();
  const onSignal = () => stop$.next();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ctx = standaloneContext({
      id: 'k8s_events',
      logger: logger.child({ component: 'k8s_events' }),
    });
    const stream = k8sEventsReceiver.create(receiverConfig, ctx).pipe(takeUntil(stop$));
    logger.info('capturing; stop with Ctrl-C', { output: values.output });
    const result = await captureTo(stream, values.output);
    logger.info('capture written', {
      output: values.output,
      items: result.items,
      bytes: result.bytes,
    });
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The first k8s_events receiver of a config file, else the receiver's defaults. */
async function receiverSettings(configFile: string | undefined): Promise<EventsConfig> {
  if (configFile) {
    const config = await loadConfigFile(configFile, components);
    const found = [...config.receivers.values()].find((r) => r.factory.type === 'k8s_events');
    if (!found) throw usageError(`kspan capture: ${configFile} has no k8s_events receiver`);
    return found.config as EventsConfig;
  }
  return resolveComponentConfig(k8sEventsReceiver, {}, 'receivers.k8s_events') as EventsConfig;
}
