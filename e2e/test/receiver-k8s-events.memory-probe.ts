// Memory probe for the k8s_events receiver, run as a child process by receiver-k8s-events.test.ts:
//   node --expose-gc --import tsx e2e/test/receiver-k8s-events.memory-probe.ts <kubeconfig> <pods expected>
// Runs the receiver with its default config (Events + every default owner kind, all namespaces)
// against the e2e cluster, counts what arrives without keeping it (as a pipeline that hands items on
// would), and prints one JSON line: heap and RSS before the receiver started and once it holds the
// cluster (after GC).
import { MetricsRegistry, silentLogger, standaloneContext, systemClock } from '@kspan/core';
import { Value } from '@sinclair/typebox/value';
import {
  EventsConfigSchema,
  loadKubeConfig,
  k8sEventsStream,
  type EventsConfig,
} from '../../packages/receiver-k8s-events/src/index.js';

const [kubeconfig, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!kubeconfig || !expected || !gc) {
  console.error('usage: node --expose-gc --import tsx memory-probe.ts <kubeconfig> <pods>');
  process.exit(2);
}
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }
};
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

// Load the credentials (and with them the client library, which loads on first use) before the
// baseline: the figure is the receiver's state, not the library's code.
await loadKubeConfig({ kubeconfig });
await settle();
const before = process.memoryUsage();
const metrics = new MetricsRegistry();
let ready = false;
const ctx = standaloneContext({
  clock: systemClock,
  logger: silentLogger,
  metrics: metrics.metricsFor('k8s_events'),
  health: { setReady: (r) => (ready = r) },
});
const config = Value.Default(EventsConfigSchema, { auth: { kubeconfig } }) as EventsConfig;
const pods = new Set<string>();
let items = 0;
let bytes = 0;
const started = Date.now();
const sub = k8sEventsStream(config, ctx).subscribe((ev) => {
  items++;
  if (ev.object.kind === 'Pod' && ev.type !== 'DELETED') pods.add(ev.object.metadata?.uid ?? '');
  if (items % 97 === 0) bytes += JSON.stringify(ev).length * 97; // sampled size of what flows
});
while (!(ready && pods.size >= expected)) {
  if (Date.now() - started > 240_000) {
    console.error(`timed out: ready=${ready} pods=${pods.size}/${expected}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
const syncedMs = Date.now() - started;
const podCount = pods.size;
pods.clear(); // the probe's own bookkeeping is not the receiver's memory
await settle();
const synced = process.memoryUsage();
await new Promise((r) => setTimeout(r, 35_000)); // past one watch timeout: reconnects included
await settle();
const steady = process.memoryUsage();
sub.unsubscribe();
console.log(
  JSON.stringify({
    pods: podCount,
    items,
    approxStreamMB: mb(bytes),
    syncedMs,
    heapBeforeMB: mb(before.heapUsed),
    heapSyncedMB: mb(synced.heapUsed),
    heapSteadyMB: mb(steady.heapUsed),
    heapDeltaMB: mb(Math.max(synced.heapUsed, steady.heapUsed) - before.heapUsed),
    rssBeforeMB: mb(before.rss),
    rssSteadyMB: mb(steady.rss),
    rssDeltaMB: mb(steady.rss - before.rss),
  }),
);
process.exit(0);
