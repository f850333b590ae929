// The pieces each suite file uses: a live pipeline (kspan with the test's namespaces), and the
// wait for a trace in a backend to be exactly what the cluster's events say it must be.
import { expect } from 'chai';
import { clusterEvents, kubectlJson, list, type ClusterEvent, type KubeObj } from './kubectl.js';
import { eventsText, ownerMap, traceProblems, traceWith, type TraceExpectation } from './expect.js';
import { KspanProcess, freePort, liveConfig } from './kspan.js';
import { renderTraces, type TraceView } from './trace.js';
import { sleep } from './wait.js';

export type ReadTraces = (ns: string) => Promise<TraceView[]>;

/** Starts kspan (k8s_events on `namespaces` → causality → exporter) and waits until it is ready. */
export async function startPipeline(
  name: string,
  namespaces: string[],
  exporter: 'otlp' | 'zipkin',
): Promise<{ kspan: KspanProcess; config: string }> {
  const port = await freePort();
  const config = liveConfig({ namespaces, exporter, metricsPort: port });
  return { kspan: await KspanProcess.startReady(name, config, port), config };
}

/** Stops kspan with SIGTERM and checks it exited 0. */
export async function stopPipeline(kspan: KspanProcess | undefined): Promise<void> {
  if (!kspan) return;
  const code = await kspan.stop();
  expect(code, `kspan ${kspan.name} exit code after SIGTERM\n${kspan.tail()}`).to.equal(0);
}

/** Objects whose ownerReferences the causality oracle follows. */
export async function ownerObjects(ns: string): Promise<KubeObj[]> {
  const out: KubeObj[] = [];
  for (const r of ['replicasets', 'pods', 'jobs']) out.push(...(await list(ns, r)));
  return out;
}

export interface ExpectTraceOptions {
  read: ReadTraces;
  ns: string;
  /** Which of the namespace's events this trace holds (called with all of them, on every poll). */
  select: (all: ClusterEvent[]) => ClusterEvent[];
  root: TraceExpectation['root'];
  caseInsensitive?: boolean;
  /** Events of earlier traces whose later occurrences may show here (see TraceExpectation). */
  repeatsFrom?: (all: ClusterEvent[]) => ClusterEvent[];
  /**
   * The trace to check, when it is known: otherwise the one holding the first selected event,
   * which is ambiguous once a later occurrence of that event went into another trace.
   */
  traceId?: string;
  timeoutMs?: number;
}

/**
 * Polls the backend until the trace holding the selected events is exactly right (see
 * traceProblems), and returns it. On the deadline, fails with every problem, the trees the
 * backend returned and the cluster's events.
 */
export async function expectTrace(o: ExpectTraceOptions): Promise<TraceView> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  const objects = await ownerObjects(o.ns);
  for (;;) {
    const all = await clusterEvents(o.ns);
    const events = o.select(all);
    const traces = await o.read(o.ns);
    const anchor = 'event' in o.root ? o.root.event.uid : events[0]?.uid;
    const t = o.traceId
      ? traces.find((x) => x.traceId === o.traceId)
      : anchor
        ? traceWith(traces, anchor)
        : undefined;
    const problems =
      events.length === 0
        ? ['the selection holds no events']
        : t
          ? traceProblems(t, {
              events,
              all,
              owners: ownerMap(objects, all),
              root: o.root,
              caseInsensitive: o.caseInsensitive,
              repeatsFrom: o.repeatsFrom?.(all),
            })
          : [o.traceId ? `no trace ${o.traceId}` : `no trace holds the span of event ${anchor}`];
    if (problems.length === 0 && t) return t;
    if (Date.now() > deadline)
      expect.fail(
        `the trace in the backend is not what the cluster's events say:\n- ${problems.join('\n- ')}\n` +
          `backend returned:\n${renderTraces(traces)}\n${eventsText(all)}`,
      );
    await sleep(1000);
  }
}

/** The current object (for managedFields / status). */
export function getObject(ns: string, ref: string): Promise<KubeObj> {
  return kubectlJson<KubeObj>(['-n', ns, 'get', ref, '--show-managed-fields']);
}
