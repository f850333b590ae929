import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VirtualTimeScheduler,
  firstValueFrom,
  lastValueFrom,
  toArray,
  type Observable,
} from 'rxjs';
import {
  KspanError,
  MetricsRegistry,
  createLogger,
  schedulerClock,
  standaloneContext,
  type WatchEvent,
} from '@kspan/core';
import { k8sCaptureReceiver } from '../../src/capture/receiver.js';
import { formatCaptureLine } from '../../src/capture/format.js';
import { conformanceCases, coreEvent } from '../helpers.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

describe('k8s_capture receiver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kspan-capture-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  it('declares its config schema with defaults and no extra keys', () => {
    expect(k8sCaptureReceiver.type).to.equal('k8s_capture');
    expect(k8sCaptureReceiver.produces).to.equal('k8s_watch');
    expect(k8sCaptureReceiver.configSchema.required).to.deep.equal(['path']);
    expect(k8sCaptureReceiver.configSchema.properties.speed.default).to.equal(0);
    expect(k8sCaptureReceiver.configSchema.additionalProperties).to.equal(false);
  });

  it('replays the recorded cluster identity; cluster_name renames it and keeps the uid; a bad one is a counted problem', async () => {
    const ev = (name: string, cluster?: WatchEvent['cluster']): WatchEvent => ({
      type: 'ADDED',
      object: coreEvent(name, 'Pulled', iso(0)),
      ...(cluster ? { cluster } : {}),
    });
    const text =
      [
        formatCaptureLine(ev('a', { name: 'east', uid: 'u-1' })),
        formatCaptureLine(ev('b')),
        '{"type":"ADDED","object":{"kind":"Event","metadata":{"name":"c"}},"cluster":{"uid":7}}',
      ].join('\n') + '\n';
    expect(text.split('\n')[0]).to.contain('"cluster":{"name":"east","uid":"u-1"}');
    const path = file('clusters.ndjson', text);
    const read = async (extra: Record<string, unknown>) => {
      const metrics = new MetricsRegistry();
      const ctx = standaloneContext({ metrics: metrics.metricsFor('k8s_capture') });
      const items = await lastValueFrom(
        k8sCaptureReceiver.create({ path, speed: 0, ...extra }, ctx).pipe(toArray()),
      );
      return { items, malformed: await metrics.value('capture_malformed_total') };
    };
    const plain = await read({});
    expect(plain.items.map((i) => i.cluster)).to.deep.equal([
      { name: 'east', uid: 'u-1' },
      undefined,
    ]);
    expect(plain.malformed).to.equal(1);
    const renamed = await read({ cluster_name: 'replay-west' });
    expect(renamed.items.map((i) => i.cluster)).to.deep.equal([
      { name: 'replay-west', uid: 'u-1' },
      { name: 'replay-west' },
    ]);
  });

  it('is cold: nothing is read before subscribe', async () => {
    const obs = k8sCaptureReceiver.create(
      { path: join(dir, 'later.ndjson'), speed: 0 },
      standaloneContext(),
    );
    file('later.ndjson', formatCaptureLine({ type: 'ADDED', object: coreEvent('a', 'R', iso(0)) }));
    const items = await lastValueFrom(obs.pipe(toArray()));
    expect(items).to.have.length(1);
  });

  it('replays every conformance capture in file order', async () => {
    for (const c of conformanceCases()) {
      const items = await lastValueFrom(
        k8sCaptureReceiver
          .create({ path: c.capture, speed: 0 }, standaloneContext())
          .pipe(toArray()),
      );
      expect(items.length, c.name).to.be.greaterThan(10);
    }
  });

  it('counts and logs malformed lines with their line numbers, and the rest flows', async () => {
    const good = formatCaptureLine({ type: 'ADDED', object: coreEvent('a', 'R', iso(0)) });
    const p = file('bad.ndjson', [good, '{oops', good, 'null', good].join('\n'));
    const metrics = new MetricsRegistry();
    const lines: string[] = [];
    const ctx = standaloneContext({
      id: 'k8s_capture',
      metrics: metrics.metricsFor('k8s_capture'),
      logger: createLogger({ format: 'json', write: (l) => lines.push(l), now: () => 0 }),
    });
    const items = await lastValueFrom(
      k8sCaptureReceiver.create({ path: p, speed: 0 }, ctx).pipe(toArray()),
    );
    expect(items).to.have.length(3);
    expect(await metrics.value('capture_malformed_total')).to.equal(2);
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.level === 'warn');
    expect(warn).to.include({ msg: 'capture: skipped malformed input', line: 2, file: p });
    const summary = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'capture replayed');
    expect(summary).to.include({ items: 3, malformed: 2, format: 'ndjson' });
  });

  it('reads kubectl List and --watch outputs from files', async () => {
    const ev = coreEvent('a', 'R', iso(0));
    const list = file(
      'list.json',
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [ev, ev] }, null, 4),
    );
    const watch = file(
      'watch.json',
      [ev, { type: 'MODIFIED', object: ev }].map((o) => JSON.stringify(o, null, 4)).join('\n'),
    );
    const fromList = await lastValueFrom(
      k8sCaptureReceiver.create({ path: list, speed: 0 }, standaloneContext()).pipe(toArray()),
    );
    const fromWatch = await lastValueFrom(
      k8sCaptureReceiver.create({ path: watch, speed: 0 }, standaloneContext()).pipe(toArray()),
    );
    expect(fromList.map((i) => i.type)).to.deep.equal(['ADDED', 'ADDED']);
    expect(fromWatch.map((i) => i.type)).to.deep.equal(['ADDED', 'MODIFIED']);
  });

  it('streams a large file in chunks', async () => {
    const lineText = formatCaptureLine({ type: 'ADDED', object: coreEvent('a', 'R', iso(0)) });
    const n = 20_000; // ~8 MB, many 64 KiB chunks
    const p = file('big.ndjson', (lineText + '\n').repeat(n));
    let count = 0;
    await new Promise<void>((resolve, reject) =>
      k8sCaptureReceiver.create({ path: p, speed: 0 }, standaloneContext()).subscribe({
        next: () => count++,
        error: reject,
        complete: resolve,
      }),
    );
    expect(count).to.equal(n);
  });

  it('errors with CONFIG_READ and a clear message when the file is missing', async () => {
    const p = join(dir, 'missing.ndjson');
    const err = await firstValueFrom(
      k8sCaptureReceiver.create({ path: p, speed: 0 }, standaloneContext()),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KspanError);
    expect((err as KspanError).code).to.equal('CONFIG_READ');
    expect((err as KspanError).message).to.equal(
      `k8s_capture: cannot read capture file ${p}: no such file`,
    );
  });

  describe('speed (virtual clock)', () => {
    /** Runs the receiver on a virtual clock; returns each item with the virtual time it came out. */
    async function replay(
      path: string,
      speed: number,
    ): Promise<Array<{ at: number; ev: WatchEvent }>> {
      const scheduler = new VirtualTimeScheduler();
      const clock = schedulerClock(scheduler);
      const out: Array<{ at: number; ev: WatchEvent }> = [];
      let done = false;
      let failure: unknown;
      const obs: Observable<WatchEvent> = k8sCaptureReceiver.create(
        { path, speed },
        standaloneContext({ clock }),
      );
      obs.subscribe({
        next: (ev) => out.push({ at: clock.now(), ev }),
        error: (e: unknown) => {
          failure = e;
          done = true;
        },
        complete: () => (done = true),
      });
      while (!done) {
        await new Promise((r) => setImmediate(r));
        scheduler.flush();
      }
      if (failure) throw failure;
      return out;
    }

    function timedCapture(): string {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', uid: 'd' },
      };
      return [
        formatCaptureLine({ type: 'ADDED', object: deployment }), // no time: right away
        formatCaptureLine({
          type: 'ADDED',
          object: coreEvent('a', 'A', iso(0)),
          observedAt: iso(1000),
        }),
        formatCaptureLine({ type: 'ADDED', object: coreEvent('b', 'B', iso(3000)) }), // event time 3 s
        formatCaptureLine({
          type: 'ADDED',
          object: coreEvent('c', 'C', iso(0)),
          observedAt: iso(5000),
        }),
        formatCaptureLine({
          type: 'ADDED',
          object: coreEvent('d', 'D', iso(0)),
          observedAt: iso(4000),
        }), // earlier: no wait
        formatCaptureLine({
          type: 'ADDED',
          object: coreEvent('e', 'E', iso(0)),
          observedAt: iso(11000),
        }),
      ].join('\n');
    }

    it('speed 1 keeps the gaps between observedAt (or the event time)', async () => {
      const out = await replay(file('timed.ndjson', timedCapture()), 1);
      expect(out.map((o) => o.at)).to.deep.equal([0, 0, 2000, 4000, 4000, 10000]);
    });

    it('speed 2 halves them', async () => {
      const out = await replay(file('timed.ndjson', timedCapture()), 2);
      expect(out.map((o) => o.at)).to.deep.equal([0, 0, 1000, 2000, 2000, 5000]);
    });

    it('speed 0 does not wait at all', async () => {
      const out = await replay(file('timed.ndjson', timedCapture()), 0);
      expect(out.map((o) => o.at)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    });

    it('unsubscribing stops a paced replay', async () => {
      const scheduler = new VirtualTimeScheduler();
      const clock = schedulerClock(scheduler);
      const seen: string[] = [];
      const sub = k8sCaptureReceiver
        .create(
          { path: file('timed.ndjson', timedCapture()), speed: 1 },
          standaloneContext({ clock }),
        )
        .subscribe((ev) => seen.push(String(ev.object.reason ?? ev.object.kind)));
      // The file read is real I/O: wait (bounded) until the first two, which are due at once, came.
      const until = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      sub.unsubscribe();
      scheduler.flush();
      await new Promise((r) => setImmediate(r));
      expect(seen).to.deep.equal(['Deployment', 'A']);
    });
  });
});
