// Fault test: hostile Events written straight to the real API server — a 1 MiB message, terminal
// control characters, an involvedObject that does not exist, a `count` of 2^31 (and 2^31 − 1), times in
// 1970 and 9999. kspan must keep running, count what it changes or drops, and export nothing invalid:
// checked in the `file` exporter's output (the ground truth) and in Jaeger.
//
// The times need issue 13 item 7 (implausible times clamped or dropped, counted; no span outside
// OTLP's range), another helper's work: the second test fails until that has landed.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteEnv } from './lib/env.js';
import { counter, fileSpans, startFaultsPipeline, type FileSpan } from './lib/faults.js';
import { jaegerTracesRaw } from './lib/jaeger.js';
import type { KspanProcess } from './lib/kspan.js';
import { createNamespace, deleteNamespace, kubectl, uniqueName } from './lib/kubectl.js';
import { stopPipeline } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';

const CONTROL = 'red \u001b[31mALERT\u001b[0m title \u001b]0;pwned\u0007 csi \u009b2J cr\rlf\nend';
/** OTLP times are unsigned 64-bit nanoseconds: up to 2554-07-21. */
const OTLP_MAX_NS = 2n ** 64n - 1n;

interface Made {
  uid?: string;
  refused?: string;
}

describe('faults: hostile events on the real API server', function () {
  this.timeout(300_000);
  let ns: string;
  let kspan: KspanProcess | undefined;
  let file: string;
  const made: Record<string, Made> = {};

  /** Creates a core/v1 Event about `target` (a ConfigMap unless given); the API server may refuse it. */
  async function event(
    key: string,
    fields: { message?: string; count?: number; time?: string; involved?: Record<string, string> },
  ): Promise<Made> {
    const time = fields.time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const manifest = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: uniqueName(`hostile-${key}`) },
      involvedObject: fields.involved ?? { kind: 'ConfigMap', name: 'target', namespace: ns },
      reason: 'Hostile',
      message: fields.message ?? `hostile ${key}`,
      type: 'Normal',
      source: { component: 'faults-test' },
      count: fields.count ?? 1,
      firstTimestamp: time,
      lastTimestamp: time,
    };
    const r = await kubectl(['-n', ns, 'create', '-f', '-', '-o', 'jsonpath={.metadata.uid}'], {
      input: JSON.stringify(manifest),
      allowFail: true,
    });
    made[key] = r.code === 0 ? { uid: r.stdout.trim() } : { refused: r.stderr.trim() };
    return made[key];
  }

  const spanOf = (spans: FileSpan[], key: string) =>
    spans.find((s) => s.attributes['k8s.event.uid'] === made[key]?.uid);

  before(async () => {
    suiteEnv();
    ns = await createNamespace('hostile', {}, 'faults');
    file = join(mkdtempSync(join(tmpdir(), 'faults-hostile-')), 'spans.jsonl');
    await kubectl(['-n', ns, 'create', 'configmap', 'target']);
    ({ kspan } = await startFaultsPipeline('hostile', {
      namespaces: [ns],
      backends: ['otlp'],
      file,
    }));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it('a 1 MiB message, control characters, a missing object, count 2^31: kept running, counted, valid', async () => {
    await event('big', { message: 'M'.repeat(1024 * 1024) });
    await event('control', { message: CONTROL });
    await event('ghost', {
      involved: {
        kind: 'Pod',
        name: 'no-such-pod',
        namespace: ns,
        uid: '0b5e55ed-0000-4000-8000-000000000000',
      },
    });
    const overflow = await event('count31', { count: 2 ** 31 });
    await event('countMax', { count: 2 ** 31 - 1 });
    const keys = ['big', 'control', 'ghost', 'countMax'];
    for (const k of keys) expect(made[k]!.uid, `${k}: ${made[k]!.refused}`).to.be.a('string');

    const spans = await waitUntil(
      'the spans of the hostile events in the file',
      () => {
        const all = fileSpans(file);
        return keys.every((k) => spanOf(all, k)) ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, detail: () => kspan!.tail() },
    );
    const m = await kspan!.metrics();
    const jaegerIds = await waitUntil(
      'the same spans in Jaeger',
      async () => {
        const ids = new Set(
          (await jaegerTracesRaw(ns)).flatMap((t) => t.spans.map((s) => s.spanID)),
        );
        return keys.every((k) => ids.has(spanOf(spans, k)!.spanId)) ? ids : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );

    const big = spanOf(spans, 'big')!;
    const control = spanOf(spans, 'control')!;
    const ghost = spanOf(spans, 'ghost')!;
    const countMax = spanOf(spans, 'countMax')!;
    const truncated = counter(m, 'kspan_span_values_truncated_total');
    console.log(
      `      1 MiB message → ${String(big.attributes['k8s.event.message']).length} characters ` +
        `(kspan_span_values_truncated_total ${truncated}); count 2^31: ${
          overflow.refused
            ? `refused by the API server (${overflow.refused.slice(0, 120)}…)`
            : 'accepted'
        }; ghost object → parent via ${String(ghost.attributes['kspan.parent.via'])}; ` +
        `${jaegerIds.size} spans in Jaeger`,
    );

    expect(kspan!.running, kspan!.tail()).to.equal(true);
    expect((await fetch(`${kspan!.metricsUrl}/readyz`)).status).to.equal(200);
    // The 1 MiB message is cut to the attribute value length limit and counted.
    expect(String(big.attributes['k8s.event.message'])).to.equal('M'.repeat(8192));
    expect(truncated).to.be.at.least(1);
    // Control characters are data: exported as they are (valid OTLP strings), never interpreted.
    expect(control.attributes['k8s.event.message']).to.equal(CONTROL);
    // A missing object: the event still has its span, under a synthesised root of its own (no owner
    // chain to hang from).
    expect(ghost.attributes['k8s.pod.name']).to.equal('no-such-pod');
    expect(ghost.attributes['kspan.parent.via']).to.equal('root');
    // count is an int32 in the API: 2^31 never reaches kspan; 2^31 − 1 goes out as it is.
    expect(overflow.refused, 'count 2^31').to.match(
      /int32|out of range|cannot unmarshal|overflow/i,
    );
    expect(Number(countMax.attributes['k8s.event.count'])).to.equal(2 ** 31 - 1);
    for (const c of ['failed', 'dropped'])
      expect(counter(m, 'kspan_exporter_spans_total', { outcome: c }), c).to.equal(0);
  });

  // Issue 13 item 7: the causality processor drops implausible times (`implausible_time`).
  it('events dated 1970 and 9999: dropped and counted, nothing outside OTLP range', async () => {
    const before = counter(await kspan!.metrics(), 'kspan_exporter_spans_total', {
      component: 'otlp',
    });
    await event('epoch', { time: '1970-01-01T00:00:01Z' });
    await event('far', { time: '9999-12-31T23:59:59Z' });
    await event('after', { message: 'an ordinary event after the odd times' });
    for (const k of ['epoch', 'far', 'after'])
      expect(made[k]!.uid, `${k}: ${made[k]!.refused}`).to.be.a('string');
    // The ordinary event after them still goes out: the odd ones cost no one else their batch.
    const spans = await waitUntil(
      'the ordinary event after the odd times in the file',
      () => {
        const all = fileSpans(file);
        return spanOf(all, 'after') ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, detail: () => kspan!.tail() },
    );
    await waitUntil(
      'the otlp exporter to have handled them',
      async () =>
        counter(await kspan!.metrics(), 'kspan_exporter_spans_total', { component: 'otlp' }) >
        before,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const m = await kspan!.metrics();
    expect(kspan!.running, kspan!.tail()).to.equal(true);
    const now = BigInt(Date.now()) * 1_000_000n;
    const day = 86_400_000_000_000n;
    const iso = (ns: bigint) =>
      ns / 1_000_000n < 8_640_000_000_000_000n
        ? new Date(Number(ns / 1_000_000n)).toISOString()
        : `${ns} ns`;
    const problems: string[] = [];
    for (const s of spans) {
      const start = BigInt(s.startTimeUnixNano);
      const end = BigInt(s.endTimeUnixNano);
      const what = `${s.name} (${String(s.attributes['k8s.event.name'] ?? 'root')}) ${iso(start)} .. ${iso(end)}`;
      if (!(start > 0n && end <= OTLP_MAX_NS && start <= end))
        problems.push(`outside OTLP's range: ${what}`);
      // Clamped: nothing dated far from when it was observed.
      else if (!(start > now - 365n * day && end < now + day))
        problems.push(`implausible: ${what}`);
    }
    expect(problems, 'spans in the file').to.deep.equal([]);
    for (const k of ['epoch', 'far']) {
      const s = spanOf(spans, k);
      // Either clamped (a span with a plausible time) or dropped and counted.
      if (!s)
        expect(
          counter(m, 'kspan_causality_dropped_items_total'),
          `${k} dropped and counted`,
        ).to.be.greaterThan(0);
    }
    for (const c of ['failed', 'dropped'])
      expect(counter(m, 'kspan_exporter_spans_total', { outcome: c }), c).to.equal(0);
  });
});
