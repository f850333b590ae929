// Fault test: kspan SIGKILLed in the middle of a live rollout and started again with the same
// config. Nothing is flushed: what the processor held (events waiting in their window) and what the
// exporter had not sent yet die with the process. The second kspan lists the namespace's events
// again (within `max_age`), and span ids are deterministic from each event's identity, so the lost
// spans come back as the same spans; what the first kspan had delivered is in its exporter's
// delivery ledger (`storage`, written before the next batch, so the kill does not lose it) and is
// not sent again, however the second kspan re-derives it. The rollout's trace in Jaeger holds every
// event once, nothing stored twice. The figures: what was in flight at the kill, and the gap until
// the trace was whole.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteEnv } from './lib/env.js';
import { counter, faultsConfig, killHard } from './lib/faults.js';
import { jaegerTraces } from './lib/jaeger.js';
import { KspanProcess, freePort } from './lib/kspan.js';
import {
  apply,
  clusterEvents,
  createNamespace,
  deleteNamespace,
  replicaSetWithImage,
} from './lib/kubectl.js';
import { settleDeployment } from './lib/settle.js';
import { expectTrace } from './lib/suite.js';
import { duplicateContent, duplicateSpanIds, renderTree } from './lib/trace.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, IMAGE_2, deployment } from './lib/workloads.js';

describe('faults: kspan SIGKILLed mid-rollout and restarted', function () {
  this.timeout(600_000);
  const started: KspanProcess[] = [];
  let ns: string;
  let port: number;
  let config: string;
  let storage: string;

  before(async () => {
    suiteEnv();
    ns = await createNamespace('kill', {}, 'faults');
    port = await freePort();
    storage = mkdtempSync(join(tmpdir(), 'faults-kill-ledger-'));
    // The exporter's batches wait up to 5 s, so a kill can find spans emitted and not yet sent.
    config = faultsConfig({
      namespaces: [ns],
      backends: ['otlp'],
      file: join(mkdtempSync(join(tmpdir(), 'faults-kill-')), 'spans.jsonl'),
      metricsPort: port,
      batchTimeout: '5s',
      storage,
    });
  });

  after(async () => {
    try {
      for (const k of started) if (k.running) await k.stop();
    } finally {
      await deleteNamespace(ns);
      rmSync(storage, { recursive: true, force: true });
    }
  });

  async function startKspan(name: string): Promise<KspanProcess> {
    const k = KspanProcess.start(name, config, port);
    started.push(k);
    await k.waitReady();
    return k;
  }

  it('the spans lost with the process come back after the relist, none twice; the gap measured', async () => {
    const name = 'steps';
    const spec = (image: string) =>
      deployment(name, { image, replicas: 3, maxSurge: 1, maxUnavailable: 0, minReadySeconds: 3 });
    const root = { service: 'kubectl-client-side-apply', name: 'Deployment.Update', object: name };

    const first = await startKspan('first');
    await apply(ns, spec(IMAGE_1));
    const createdUids = new Set((await settleDeployment(ns, name, IMAGE_1, 3)).map((e) => e.uid));
    await expectTrace({
      read: jaegerTraces,
      ns,
      select: (all) => all.filter((e) => createdUids.has(e.uid)),
      root,
    });

    await apply(ns, spec(IMAGE_2));
    // Kill while spans of the roll wait in the exporter's batch (emitted by the processor, not sent).
    let metrics = '';
    await waitUntil(
      'the roll under way, with spans held by kspan',
      async () => {
        const ev = await clusterEvents(ns);
        const rs = await replicaSetWithImage(ns, name, IMAGE_2).catch(() => undefined);
        if (!ev.some((e) => /^Deleted pod:/.test(e.message))) return undefined;
        if (Number(rs?.status?.readyReplicas ?? 0) >= 3) return undefined;
        metrics = await first.metrics();
        const emitted = counter(metrics, 'kspan_causality_spans_total');
        const handled = counter(metrics, 'kspan_exporter_spans_total', { component: 'otlp' });
        return emitted - handled > 0;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    const killedAt = Date.now();
    await killHard(first);
    const held = {
      pendingEvents: counter(metrics, 'kspan_causality_state_entries', { cache: 'pending' }),
      unsentSpans:
        counter(metrics, 'kspan_causality_spans_total') -
        counter(metrics, 'kspan_exporter_spans_total', { component: 'otlp' }),
      sentSpans: counter(metrics, 'kspan_exporter_spans_total', {
        component: 'otlp',
        outcome: 'sent',
      }),
    };

    const second = await startKspan('second');
    const readyMs = Date.now() - killedAt;
    const all = await settleDeployment(ns, name, IMAGE_2, 3);
    const rollEvents = all.filter((e) => !createdUids.has(e.uid));
    const rolled = await expectTrace({
      read: jaegerTraces,
      ns,
      select: (every) => every.filter((e) => !createdUids.has(e.uid)),
      root,
      timeoutMs: 120_000,
    });
    const wholeMs = Date.now() - killedAt;
    const m = await second.metrics();
    const skipped = counter(m, 'kspan_exporter_spans_total', {
      component: 'otlp',
      reason: 'already_exported',
    });
    console.log(
      `      at the kill (read ≤100 ms before): ${held.pendingEvents} events in their window, ` +
        `${held.unsentSpans} spans emitted but not yet sent, ${held.sentSpans} sent\n` +
        `      second kspan ready ${(readyMs / 1000).toFixed(1)} s after the kill; the roll's trace whole in ` +
        `Jaeger ${(wholeMs / 1000).toFixed(1)} s after it; the second kspan re-listed ` +
        `${counter(m, 'kspan_receiver_items_total')} items and sent ` +
        `${counter(m, 'kspan_exporter_spans_total', { component: 'otlp', outcome: 'sent' })} spans, ` +
        `not again ${skipped} the first had delivered (already_exported; ` +
        `${counter(m, 'kspan_exporter_ledger_loaded_spans')} span ids in the ledger at start)`,
    );
    // The ledger did the work: the first kspan's delivered spans, re-derived, were skipped.
    expect(skipped, 'already_exported spans of the second kspan').to.be.greaterThan(0);

    expect(held.unsentSpans, 'spans emitted and not sent at the kill').to.be.greaterThan(0);
    expect(rolled.spans, renderTree(rolled)).to.have.length(1 + rollEvents.length);
    // No span id twice, no excuses: the ledger kept the second kspan from sending again what the
    // first had delivered, even where it re-derives it differently.
    for (const found of await jaegerTraces(ns)) {
      expect(duplicateSpanIds(found), renderTree(found)).to.deep.equal([]);
      expect(duplicateContent(found), renderTree(found)).to.deep.equal([]);
    }
  });
});
