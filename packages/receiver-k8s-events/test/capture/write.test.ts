import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, from, lastValueFrom, throwError, concat, toArray } from 'rxjs';
import { standaloneContext, type WatchEvent } from '@kspan/core';
import { captureTo } from '../../src/capture/write.js';
import { parseCapture } from '../../src/capture/decoder.js';
import { k8sCaptureReceiver } from '../../src/capture/receiver.js';
import { coreEvent } from '../helpers.js';

describe('captureTo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kspan-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const events: WatchEvent[] = [
    {
      type: 'ADDED',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', uid: 'u' } },
    },
    {
      type: 'ADDED',
      object: coreEvent('a', 'Scheduled', '2024-01-01T00:00:00Z'),
      observedAt: '2024-01-01T00:00:00.5Z',
    },
  ];

  it('writes one capture line per item and resolves once flushed; k8s_capture reads it back', async () => {
    const p = join(dir, 'out.ndjson');
    const result = await captureTo(from(events), p);
    const text = readFileSync(p, 'utf8');
    expect(result.items).to.equal(2);
    expect(result.bytes).to.equal(Buffer.byteLength(text));
    expect(text.endsWith('\n')).to.equal(true);
    expect(parseCapture(text).items).to.deep.equal(events);
    const replayed = await lastValueFrom(
      k8sCaptureReceiver.create({ path: p, speed: 0 }, standaloneContext()).pipe(toArray()),
    );
    expect(replayed).to.deep.equal(events);
  });

  it('writes items as they arrive (an interrupted capture is usable)', async () => {
    const p = join(dir, 'live.ndjson');
    const s = new Subject<WatchEvent>();
    const done = captureTo(s, p);
    s.next(events[0]!);
    await new Promise((r) => setTimeout(r, 50));
    expect(parseCapture(readFileSync(p, 'utf8')).items).to.have.length(1);
    s.complete();
    await done;
  });

  it('flushes what came before a stream error, then rejects with it', async () => {
    const p = join(dir, 'err.ndjson');
    const boom = new Error('boom');
    const err = await captureTo(
      concat(
        from(events),
        throwError(() => boom),
      ),
      p,
    ).catch((e: unknown) => e);
    expect(err).to.equal(boom);
    expect(parseCapture(readFileSync(p, 'utf8')).items).to.have.length(2);
  });

  it('rejects when the file cannot be written', async () => {
    const err = await captureTo(from(events), join(dir, 'no', 'such', 'dir.ndjson')).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).to.match(/^capture: cannot write .*ENOENT/);
  });
});
