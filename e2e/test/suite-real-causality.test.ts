// The end-to-end suite, issue 10's live check: on the real control plane, a rollout inside one
// causality window and a 30-pod scale-up, with kspan (k8s_events → causality → file) running live.
// Ground truth comes from the cluster's own Events, watched independently with kubectl (every
// version, stamped when seen): replica arithmetic over the Deployment's ScalingReplicaSet steps and
// the ReplicaSet's "Created pod" events in name-time order (the rules of the real corpus,
// packages/processor-causality/test/real/rules.ts). Every pod's `Created pod` span must be under the
// step that created it. If the engine does not do that yet, these tests fail: that is the finding.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchEvent } from '@kspan/core';
import { CaptureDecoder } from '@kspan/receiver-k8s-events';
import { suiteEnv } from './lib/env.js';
import { KspanProcess, freePort } from './lib/kspan.js';
import { kubectl, kubectlJson, rolloutStatus, uniqueName } from './lib/kubectl.js';
import { sleep, waitUntil } from './lib/wait.js';
import { Deriver } from '../../packages/processor-causality/test/real/rules.js';
import {
  SpanIndex,
  describeRef,
  evaluate,
  type SpanView,
} from '../../packages/processor-causality/test/real/relations.js';
import type { Relation } from '../../packages/processor-causality/test/real/expected.js';

/** The namespace's Events as a watch stream, every version stamped with when it was seen. */
class EventWatch {
  readonly items: WatchEvent[] = [];
  private readonly decoder = new CaptureDecoder();
  private readonly child: ChildProcess;

  constructor(ns: string) {
    const env = suiteEnv();
    this.child = spawn(
      env.KUBECTL,
      ['--kubeconfig', env.KUBECONFIG, '-n', ns, 'get', 'events', '--watch'].concat([
        '--output-watch-events',
        '-o',
        'json',
      ]),
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.take(this.decoder.push(chunk)));
  }

  private take(decoded: ReturnType<CaptureDecoder['push']>): void {
    const observedAt = new Date().toISOString();
    for (const d of decoded) if ('event' in d) this.items.push({ ...d.event, observedAt });
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

interface OtlpAttr {
  key: string;
  value: Record<string, unknown>;
}
const attrValue = (attrs: OtlpAttr[] | undefined, key: string): string | undefined => {
  const v = attrs?.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : String(Object.values(v)[0]);
};

/** The spans the `file` exporter wrote (OTLP/JSON, one ExportTraceServiceRequest a line). */
function readSpans(file: string): SpanView[] {
  if (!existsSync(file)) return [];
  const out: SpanView[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const rs of JSON.parse(line).resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) {
          const occ = (s.events ?? []).filter((e: { name: string }) => e.name === 'occurrence');
          out.push({
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            traceId: s.traceId,
            name: s.name,
            service: attrValue(rs.resource?.attributes, 'service.name') ?? '',
            event: attrValue(s.attributes, 'k8s.event.name'),
            message: attrValue(s.attributes, 'k8s.event.message'),
            counts: occ.length
              ? occ.map((e: { attributes?: OtlpAttr[] }) =>
                  Number(attrValue(e.attributes, 'k8s.event.count')),
                )
              : [Number(attrValue(s.attributes, 'k8s.event.count'))],
          });
        }
  }
  return out;
}

/** Pods of the namespace as watch items (for pods the spam filter left without a creation event). */
async function podItems(ns: string): Promise<WatchEvent[]> {
  const l = await kubectlJson<{ items: WatchEvent['object'][] }>(['-n', ns, 'get', 'pods']);
  return l.items.map((object) => ({ type: 'ADDED', object: { ...object, kind: 'Pod' } }));
}

describe('suite: real causality — every pod under the step that created it, live', function () {
  let ns = '';
  let dir = '';
  let kspan: KspanProcess | undefined;
  let watch: EventWatch | undefined;

  before(async () => {
    suiteEnv();
    ns = uniqueName('real-e2e');
    await kubectl(['create', 'namespace', ns]);
    await waitUntil(
      `ServiceAccount ${ns}/default`,
      async () =>
        (await kubectl(['-n', ns, 'get', 'sa', 'default'], { allowFail: true })).code === 0,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    dir = mkdtempSync(join(tmpdir(), 'kspan-e2e-real-'));
    const port = await freePort();
    const config = {
      receivers: { k8s_events: { namespaces: [ns] } },
      processors: { causality: { window: '5s' } },
      exporters: { file: { path: join(dir, 'spans.jsonl'), batch: { timeout: '200ms' } } },
      service: {
        pipelines: {
          traces: { receivers: ['k8s_events'], processors: ['causality'], exporters: ['file'] },
        },
        telemetry: { metrics: { address: `127.0.0.1:${port}` }, logs: { level: 'info' } },
      },
    };
    kspan = KspanProcess.start('real', JSON.stringify(config), port);
    await kspan.waitReady();
    watch = new EventWatch(ns);
    await sleep(1000); // kubectl's watch has listed (an empty namespace) and is streaming
  });

  after(async () => {
    watch?.stop();
    const code = await kspan?.stop();
    await kubectl(['delete', 'namespace', ns, '--wait=false'], { allowFail: true });
    expect(code ?? 0, kspan?.tail()).to.equal(0);
  });

  /**
   * Waits until the cluster is quiet (the watched Event versions unchanged for 6 s, past the
   * window) and kspan has written a span for every watched Event; then derives the step relations
   * of `deployment` and checks each on kspan's spans.
   */
  async function checkSteps(deployment: string, pods: number): Promise<Relation[]> {
    let last = -1;
    await waitUntil(
      'the events to settle',
      async () => {
        const n = watch!.items.length;
        const quiet = n === last;
        last = n;
        return quiet;
      },
      { timeoutMs: 120_000, intervalMs: 6_000 },
    );
    const items = [...watch!.items, ...(await podItems(ns))];
    const uids = new Set(
      items
        .filter((i) => i.object.kind === 'Event')
        .map((i) => String((i.object.metadata as { uid: string }).uid)),
    );
    const file = join(dir, 'spans.jsonl');
    await waitUntil(
      `a span for each of ${uids.size} events in ${file}`,
      () => {
        const seen = new Set(readSpans(file).map((s) => s.event));
        const names = items
          .filter((i) => i.object.kind === 'Event')
          .map((i) => String((i.object.metadata as { name: string }).name));
        return names.every((n) => seen.has(n));
      },
      { timeoutMs: 60_000, intervalMs: 1_000, detail: () => kspan!.tail(10) },
    );
    const d = new Deriver(items);
    d.steps();
    const mine = d.rels.filter((r) => r.span.event.startsWith(`${deployment}-`));
    const creations = mine.filter((r) => r.id.startsWith('step/') || r.id.startsWith('silent/'));
    expect(
      creations.length,
      `pods accounted for by the steps' arithmetic (warnings: ${d.warnings.join('; ')})`,
    ).to.be.at.least(pods);
    const index = new SpanIndex(readSpans(file));
    const wrong = mine
      .map((r) => ({ r, v: evaluate(r, index) }))
      .filter((x) => !x.v.holds)
      .map(({ r, v }) => `${r.id}: ${describeRef(r.span)} — ${r.why}\n      ${v.detail}`);
    expect(wrong, `${wrong.length}/${mine.length} relations wrong:\n  ${wrong.join('\n  ')}`).to.be
      .empty;
    return mine;
  }

  it('a rollout inside one window (create --replicas=3, set image 1 s later): each pod under the step that made it', async () => {
    await kubectl([
      '-n',
      ns,
      'create',
      'deployment',
      'roll',
      '--image=registry.local/app:1',
      '--replicas=3',
    ]);
    await sleep(1000);
    await kubectl(['-n', ns, 'set', 'image', 'deployment/roll', 'app=registry.local/app:2']);
    await rolloutStatus(ns, 'deployment/roll');
    const rels = await checkSteps('roll', 3 + 3);
    expect(
      rels.some((r) => r.defect === '1'),
      'some steps shared a second',
    ).to.equal(true);
  });

  it('a 30-pod scale-up: every "Created pod" (aggregated after 10) under the step, pods past the spam filter in its trace', async () => {
    await kubectl([
      '-n',
      ns,
      'create',
      'deployment',
      'big',
      '--image=registry.local/app:1',
      '--replicas=30',
    ]);
    await rolloutStatus(ns, 'deployment/big', 180);
    await checkSteps('big', 30);
  });
});
