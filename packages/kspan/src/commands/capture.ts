import { open, rm, stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { Subject, takeUntil } from 'rxjs';
import {
  createLogger,
  errorMessage,
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
  const output = values.output;
  await checkWritable(output);
  const logger = createLogger({ level: 'info' });
  const stop$ = new Subject<void>();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // The first signal ends the capture (the file is complete up to its last line); a second one,
    // should that hang, exits at once.
    if (++signals === 1) return stop$.next();
    process.stderr.write(`kspan capture: second ${signal}; exiting now\n`);
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ctx = standaloneContext({
      id: 'k8s_events',
      logger: logger.child({ component: 'k8s_events' }),
    });
    const stream = k8sEventsReceiver.create(receiverConfig, ctx).pipe(takeUntil(stop$));
    logger.info('capturing; stop with Ctrl-C', { output });
    const result = await captureTo(stream, output);
    logger.info('capture written', { output, items: result.items, bytes: result.bytes });
    return 0;
  } catch (err) {
    await removeIfEmpty(output);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    logger.flushSuppressed();
  }
}

/** An output that cannot be written is a usage mistake (exit 2), found before anything starts. */
async function checkWritable(output: string): Promise<void> {
  if (output === '-') return;
  try {
    await (await open(output, 'w')).close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : (code ?? errorMessage(err));
    throw usageError(`kspan capture: cannot write ${output}: ${why}`);
  }
}

/** A capture that failed before its first line leaves no empty file behind. */
async function removeIfEmpty(output: string): Promise<void> {
  if (output === '-') return;
  try {
    if ((await stat(output)).size === 0) await rm(output);
  } catch {
    // Already gone, or not ours to judge: nothing to clean.
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
