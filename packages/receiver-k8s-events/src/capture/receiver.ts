import { createReadStream } from 'node:fs';
import { Observable } from 'rxjs';
import {
  KspanError,
  errorMessage,
  type ClusterIdentity,
  type ComponentContext,
  type ReceiverFactory,
  type WatchEvent,
} from '@kspan/core';
import { CaptureDecoder } from './decoder.js';
import { observedTimeOf } from './normalize.js';
import type { CaptureConfigSchema } from './config.js';
import { type CaptureConfig } from './config.js';
import { k8sCaptureReceiverSpec } from '../specs.js';

const CHUNK = 64 * 1024;

/** Gives every item the configured cluster name, keeping its recorded uid (shared while it repeats). */
function renamer(name: string | undefined): (ev: WatchEvent) => WatchEvent {
  if (name === undefined) return (ev) => ev;
  let last: ClusterIdentity = Object.freeze({ name });
  return (ev) => {
    const uid = ev.cluster?.uid;
    if (last.uid !== uid) last = Object.freeze(uid === undefined ? { name } : { name, uid });
    ev.cluster = last;
    return ev;
  };
}

/** Replays a capture file as a watch stream: the input of `kspan replay` and of conformance tests. */
export const k8sCaptureReceiver: ReceiverFactory<typeof CaptureConfigSchema, 'k8s_watch'> = {
  ...k8sCaptureReceiverSpec,
  create: (config, ctx) => captureStream(config, ctx),
};

function captureStream(config: CaptureConfig, ctx: ComponentContext): Observable<WatchEvent> {
  const speed = config.speed ?? 0;
  const named = renamer(config.cluster_name);
  const malformed = ctx.metrics.counter(
    'capture_malformed_total',
    'Capture lines or objects that could not be read (skipped)',
  );
  const warn = ctx.logger.rateLimited(`${ctx.id}:capture-malformed`);
  return new Observable<WatchEvent>((subscriber) => {
    const stop = new AbortController();
    const onShutdown = () => stop.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onShutdown, { once: true });
    const file = createReadStream(config.path, { encoding: 'utf8', highWaterMark: CHUNK });

    const run = async () => {
      const decoder = new CaptureDecoder();
      let anchor: { item: number; clock: number } | undefined;
      let items = 0;
      let problems = 0;
      const handle = async (decoded: ReturnType<CaptureDecoder['push']>) => {
        for (const d of decoded) {
          if (stop.signal.aborted) return;
          if ('problem' in d) {
            problems++;
            malformed.inc();
            warn.warn('capture: skipped malformed input', {
              file: config.path,
              line: d.problem.line,
              reason: d.problem.message,
            });
            continue;
          }
          if (speed > 0) {
            const t = observedTimeOf(d.event);
            if (t !== undefined) {
              if (anchor === undefined) anchor = { item: t, clock: ctx.clock.now() };
              const due = anchor.clock + (t - anchor.item) / speed;
              const wait = due - ctx.clock.now();
              if (wait > 0) await ctx.clock.sleep(wait, stop.signal);
            }
          }
          if (stop.signal.aborted) return;
          items++;
          subscriber.next(named(d.event));
        }
      };
      try {
        for await (const chunk of file) {
          await handle(decoder.push(chunk as string));
          if (stop.signal.aborted) return;
        }
        await handle(decoder.end());
      } catch (err) {
        if (stop.signal.aborted) return;
        const code = (err as NodeJS.ErrnoException).code;
        throw code
          ? new KspanError(
              'CONFIG_READ',
              `k8s_capture: cannot read capture file ${config.path}: ${
                code === 'ENOENT' ? 'no such file' : errorMessage(err)
              }`,
              { cause: err },
            )
          : err;
      }
      ctx.logger.info('capture replayed', {
        file: config.path,
        format: decoder.format,
        items,
        malformed: problems,
      });
    };

    ctx.health.setReady(true);
    run().then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      stop.abort();
      ctx.signal.removeEventListener('abort', onShutdown);
      file.destroy();
    };
  });
}
