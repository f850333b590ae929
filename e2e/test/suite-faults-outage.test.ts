// Fault test: both backends down for 60 s in the middle of a live Deployment rollout. kspan exports
// to Jaeger (OTLP/gRPC), Zipkin and a `file` exporter in the same pipeline; the file is the ground
// truth of what kspan produced. Both backends keep traces in memory, so a restart drops what they
// held: what can be checked is every span kspan wrote after the backends went down, which no backend
// can have had before — each must be in Jaeger and in Zipkin after they come back, exactly once.
//
// This stops the shared Jaeger and Zipkin for other tests too (their traces are lost): it runs once,
// as short as the issue allows.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteEnv } from './lib/env.js';
import {
  counter,
  fileLines,
  fileSpans,
  peerControl,
  startFaultsPipeline,
  type FileSpan,
} from './lib/faults.js';
import { jaegerTracesRaw } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import { apply, clusterEvents, createNamespace, deleteNamespace } from './lib/kubectl.js';
import { settleDeployment } from './lib/settle.js';
import { stopPipeline } from './lib/suite.js';
import { sleep, waitUntil } from './lib/wait.js';
import { IMAGE_1, IMAGE_2, deployment } from './lib/workloads.js';
import { zipkinTracesRaw } from './lib/zipkin.js';

const OUTAGE_MS = 60_000;
const BACKENDS = ['jaeger', 'zipkin'] as const;

/** How often each span id is stored in a backend, for the namespace. */
async function storedIds(backend: 'jaeger' | 'zipkin', ns: string): Promise<Map<string, number>> {
  const ids =
    backend === 'jaeger'
      ? (await jaegerTracesRaw(ns)).flatMap((t) => t.spans.map((s) => s.spanID))
      : (await zipkinTracesRaw(ns)).flatMap((t) => t.map((s) => s.id));
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe('faults: Jaeger and Zipkin down for 60 s during a live rollout', function () {
  this.timeout(900_000);
  let ns: string;
  let kspan: KspanProcess | undefined;
  let file: string;
  const down = new Set<(typeof BACKENDS)[number]>();

  before(async () => {
    suiteEnv();
    ns = await createNamespace('outage', {}, 'faults');
    file = join(mkdtempSync(join(tmpdir(), 'faults-outage-')), 'spans.jsonl');
    ({ kspan } = await startFaultsPipeline('outage', {
      namespaces: [ns],
      backends: ['otlp', 'zipkin'],
      file,
    }));
  });

  after(async () => {
    try {
      // Never leave the shared backends down, whatever happened.
      for (const peer of down) peerControl('start', peer);
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('every span kspan wrote during the outage reaches both backends once it is over, none twice', async () => {
    const name = 'web';
    await apply(ns, deployment(name, { image: IMAGE_1, replicas: 2 }));
    await settleDeployment(ns, name, IMAGE_1, 2);
    // The roll: one pod at a time, each new pod ready for 10 s before the next step (~30 s in all).
    await apply(
      ns,
      deployment(name, {
        image: IMAGE_2,
        replicas: 2,
        maxSurge: 1,
        maxUnavailable: 0,
        minReadySeconds: 10,
      }),
    );
    await waitUntil(
      'the roll to be under way (a pod of the new image created)',
      async () =>
        (await clusterEvents(ns)).filter((e) => /^Created pod:/.test(e.message)).length > 2,
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    const stoppedAt = Date.now();
    for (const peer of BACKENDS) {
      down.add(peer);
      peerControl('stop', peer);
    }
    // What the file holds 2 s after the stop went out before it (the file and backend batches wait
    // at most 1 s and 200 ms): no span written after this mark can have reached a backend yet.
    await sleep(2_000);
    const mark = fileLines(file);
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    const outageMs = Date.now() - stoppedAt;
    const upStarted = Date.now();
    for (const peer of BACKENDS) {
      peerControl('start', peer);
      down.delete(peer);
    }
    const upMs = Date.now() - upStarted;
    await settleDeployment(ns, name, IMAGE_2, 2);

    // Until the processor has emitted everything (the file quiet for longer than root_idle), every
    // exporter has handled every span, and each span written after the mark is stored.
    let afterMark: FileSpan[] = [];
    let last = '';
    let seen = -1;
    let quietSince = Date.now();
    const delivered = await waitUntil(
      'every span written during the outage to be in Jaeger and Zipkin',
      async () => {
        const m = await kspan!.metrics();
        const sent = (c: string) =>
          counter(m, 'kspan_exporter_spans_total', { component: c, outcome: 'sent' });
        const spans = fileSpans(file);
        if (spans.length !== seen) [seen, quietSince] = [spans.length, Date.now()];
        afterMark = spans.filter((s) => s.line >= mark);
        const [jaeger, zipkin] = [await storedIds('jaeger', ns), await storedIds('zipkin', ns)];
        const missing = (ids: Map<string, number>) => afterMark.filter((s) => !ids.has(s.spanId));
        last =
          `file ${spans.length} spans (${afterMark.length} after the mark), sent: file ${sent('file')} ` +
          `otlp ${sent('otlp')} zipkin ${sent('zipkin')}; missing: Jaeger ${missing(jaeger).length}, ` +
          `Zipkin ${missing(zipkin).length}`;
        const drained =
          sent('file') === spans.length &&
          sent('otlp') === spans.length &&
          sent('zipkin') === spans.length;
        // Quiet for longer than root_idle (15 s): the change's root span is out too.
        const quiet = Date.now() - quietSince > 20_000;
        return quiet && drained && missing(jaeger).length === 0 && missing(zipkin).length === 0
          ? { jaeger, zipkin, metrics: m, spans }
          : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 2_000, detail: () => `${last}\n${kspan!.tail()}` },
    );
    const completeMs = Date.now() - upStarted;

    const m = delivered.metrics;
    const figure = (c: string, outcome: string) =>
      counter(m, 'kspan_exporter_requests_total', { component: c, outcome });
    console.log(
      `      outage ${(outageMs / 1000).toFixed(1)} s; backends back up in ${(upMs / 1000).toFixed(1)} s; ` +
        `all spans in both ${(completeMs / 1000).toFixed(1)} s after the restart began\n` +
        `      spans: ${delivered.spans.length} written to the file, ${afterMark.length} of them during the outage; ` +
        `requests retried: otlp ${figure('otlp', 'retryable')}, zipkin ${figure('zipkin', 'retryable')}`,
    );

    expect(afterMark.length, 'spans written during the outage').to.be.at.least(5);
    for (const c of ['otlp', 'zipkin', 'file']) {
      expect(
        counter(m, 'kspan_exporter_spans_total', { component: c, outcome: 'failed' }),
        c,
      ).to.equal(0);
      expect(
        counter(m, 'kspan_exporter_spans_total', { component: c, outcome: 'dropped' }),
        c,
      ).to.equal(0);
    }
    expect(figure('otlp', 'retryable'), 'otlp retries').to.be.greaterThan(0);
    expect(figure('zipkin', 'retryable'), 'zipkin retries').to.be.greaterThan(0);
    const fileIds = new Set(delivered.spans.map((s) => s.spanId));
    expect(fileIds.size, 'span ids in the file').to.equal(delivered.spans.length);
    for (const [backend, ids] of [
      ['Jaeger', delivered.jaeger],
      ['Zipkin', delivered.zipkin],
    ] as const) {
      expect(
        [...ids].filter(([, n]) => n > 1),
        `${backend}: span ids stored twice`,
      ).to.deep.equal([]);
      expect(
        [...ids.keys()].filter((id) => !fileIds.has(id)),
        `${backend}: spans not in the file`,
      ).to.deep.equal([]);
    }
  });
});
