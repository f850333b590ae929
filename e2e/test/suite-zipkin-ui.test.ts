// The end-to-end suite, seen as a user sees it: a Deployment rolled to a new image, traced live into
// Zipkin, and its trace opened in Zipkin's own web UI in headless Chromium. The page must show the
// trace kspan exported: the root span's service and name, and its duration and bar equal to what
// Zipkin's API holds for the root. Once the root spans the change (issue 11), that duration must also
// be the rollout's real one, from the spec write to the Deployment's status saying it is done.
//
// The screenshot is saved under the run directory (e2e/.run/zipkin-ui/ in CI). The README's image is
// retaken with: KSPAN_SCREENSHOT_OUT=docs/img/zipkin-rollout.png pnpm test:e2e --grep 'Zipkin UI'
import { expect } from 'chai';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chromiumPath, dumpDom, screenshot, type PageOptions } from './lib/chromium.js';
import { REPO, suiteEnv } from './lib/env.js';
import { apply, createNamespace, deleteNamespace, type KubeObj } from './lib/kubectl.js';
import type { KspanProcess } from './lib/kspan.js';
import { settleDeployment } from './lib/settle.js';
import { getObject, startPipeline, stopPipeline } from './lib/suite.js';
import { waitUntil } from './lib/wait.js';
import { IMAGE_1, IMAGE_2, deployment } from './lib/workloads.js';
import { zipkinTracesRaw } from './lib/zipkin.js';
import { parseUiDuration, readZipkinTracePage, type ZipkinPage } from './lib/zipkin-page.js';

type ZSpan = Awaited<ReturnType<typeof zipkinTracesRaw>>[number][number];

/**
 * The page's size for a trace of `spans` spans: every row shown. The span list is a scrolled box of
 * 30 px rows, about 430 px shorter than the window (measured: 531 px in a 960 px window).
 */
function pageFor(spans: number): PageOptions {
  return { width: 1280, height: 440 + 30 * spans };
}
/** The README's image must stay small. */
const MAX_README_IMAGE_BYTES = 200 * 1024;

/**
 * The rollout's trace in Zipkin: rooted at `deployment.update` of the Deployment, and holding the old
 * pods' deletions (the creation's trace has none).
 */
function rolloutTrace(traces: ZSpan[][], name: string): ZSpan[] | undefined {
  return traces.find(
    (t) =>
      t.some(
        (s) =>
          !s.parentId && s.name === 'deployment.update' && s.tags?.['k8s.object.name'] === name,
      ) && t.some((s) => s.name === 'replicaset.successfuldelete'),
  );
}

/** When the Deployment's status said the rollout is done, and when its spec was written (ms). */
function rolloutTimes(d: KubeObj): { written: number; done?: number } {
  const writes = (d.metadata.managedFields ?? []).filter(
    (f) => f.fieldsV1 && 'f:spec' in f.fieldsV1,
  );
  const written = Math.max(...writes.map((f) => Date.parse(f.time)));
  const conditions = (d.status?.conditions ?? []) as Array<Record<string, string>>;
  const progressing = conditions.find(
    (c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable',
  );
  return { written, done: progressing ? Date.parse(progressing.lastUpdateTime!) : undefined };
}

function expectUiDuration(shown: string, us: number, what: string): void {
  const d = parseUiDuration(shown);
  expect(d, `${what}: "${shown}" is not a duration`).to.not.equal(undefined);
  expect(d!.us, `${what}: the UI shows ${shown}, Zipkin's API has ${us} µs`).to.be.closeTo(
    us,
    d!.toleranceUs,
  );
}

describe('suite: a rollout seen in the Zipkin UI (headless Chromium)', function () {
  let kspan: KspanProcess | undefined;
  let ns: string;
  const name = 'web';

  before(async () => {
    suiteEnv();
    chromiumPath(); // a missing browser fails here, not after the rollout
    ns = await createNamespace('rollout', {}, 'zipkin-ui');
    ({ kspan } = await startPipeline('zipkin-ui', [ns], 'zipkin'));
  });

  after(async () => {
    try {
      await stopPipeline(kspan);
    } finally {
      await deleteNamespace(ns);
    }
  });

  it("shows the rollout's trace: the root span with the duration Zipkin holds for it", async () => {
    await apply(ns, deployment(name, { image: IMAGE_1, replicas: 2 }));
    await settleDeployment(ns, name, IMAGE_1, 2);
    await apply(ns, deployment(name, { image: IMAGE_2, replicas: 2 }));
    await settleDeployment(ns, name, IMAGE_2, 2);

    // The trace as Zipkin's API has it, once complete: the old pods' deletions in, and unchanged
    // across two reads (the root may come last: it goes out when the change ends).
    let spans: ZSpan[] = [];
    await waitUntil(
      `the rollout's trace (root deployment.update, 2 pods deleted) in Zipkin`,
      async () => {
        const t = rolloutTrace(await zipkinTracesRaw(ns), name);
        const deletes = t?.filter((s) => s.name === 'replicaset.successfuldelete').length ?? 0;
        const stable = t !== undefined && t.length === spans.length;
        spans = t ?? [];
        return deletes === 2 && stable;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 1_500,
        detail: () => `last read: ${spans.map((s) => s.name).join(', ') || 'no such trace'}`,
      },
    );
    const root = spans.find((s) => !s.parentId)!;
    const traceId = root.traceId;
    const start = Math.min(...spans.map((s) => s.timestamp ?? Infinity));
    const end = Math.max(...spans.map((s) => (s.timestamp ?? 0) + (s.duration ?? 0)));
    const rootUs = root.duration ?? 0;

    // The trace's page, as a user opens it from a link or the search.
    const url = `${suiteEnv().ZIPKIN_URL}/zipkin/traces/${traceId}`;
    const dir = join(suiteEnv().E2E_RUN_DIR, 'zipkin-ui');
    mkdirSync(dir, { recursive: true });
    let html = '';
    let page: ZipkinPage | undefined;
    for (const budgetMs of [10_000, 30_000]) {
      html = await dumpDom(url, { ...pageFor(spans.length), budgetMs });
      page = readZipkinTracePage(html);
      if (page.rows.length > 0) break; // else the page had not drawn the trace yet: more time
    }
    writeFileSync(join(dir, `${traceId}.html`), html);
    const png = join(dir, `${traceId}.png`);
    await screenshot(url, png, pageFor(spans.length));
    expect(statSync(png).size, `${png} is a picture`).to.be.greaterThan(10_000);

    const shown = JSON.stringify(page, null, 1);
    const rootLabel = `${root.localEndpoint?.serviceName}: ${root.name}`;
    expect(rootLabel).to.equal('kubectl-client-side-apply: deployment.update');
    expect(page!.traceId, shown).to.equal(traceId);
    expect(page!.title, `the page's title is the root span\n${shown}`).to.equal(rootLabel);
    expect(page!.totalSpans, shown).to.equal(String(spans.length));
    expectUiDuration(page!.duration, end - start, "the trace's duration");
    expect(page!.rows[0]?.label, `the first row is the root\n${shown}`).to.equal(rootLabel);
    expect(page!.rows, `one row per span\n${shown}`).to.have.length(spans.length);
    expectUiDuration(page!.rows[0]!.duration, rootUs, "the root's row");
    // Its bar in the mini-map: where it starts and how much of the trace it covers (the UI draws a
    // bar of at least 0.1 % for an instant).
    expect(page!.rootBar, `the mini-map has the root's bar\n${shown}`).to.not.equal(undefined);
    expect(page!.rootBar!.x).to.be.closeTo(
      (100 * ((root.timestamp ?? 0) - start)) / (end - start),
      0.2,
    );
    expect(page!.rootBar!.width).to.be.closeTo(Math.max(0.1, (100 * rootUs) / (end - start)), 0.2);

    // Is it the rollout's real duration? The root spans the change (issue 11): from the spec write
    // to the Deployment's status saying the rollout is done.
    const times = rolloutTimes(await getObject(ns, `deployment/${name}`));
    const realMs = times.done !== undefined ? times.done - times.written : undefined;
    console.log(
      `      root ${rootLabel}: the UI shows ${page!.rows[0]!.duration} (Zipkin's API: ${rootUs} µs);` +
        ` the Deployment's status says the rollout took ${realMs ?? '?'} ms; screenshot ${png}`,
    );
    expect(root.tags?.['kspan.change.outcome'], 'the rollout completed').to.equal('complete');
    expect(realMs, "the Deployment's Progressing condition says when it was done").to.not.equal(
      undefined,
    );
    // both ends are whole seconds in the API (managedFields time, lastUpdateTime)
    expect(rootUs / 1000, "the root's duration is the rollout's").to.be.closeTo(realMs!, 1_000);
    expect(
      parseUiDuration(page!.rows[0]!.duration)!.us / 1000,
      "the root's row in the UI shows the rollout's duration",
    ).to.be.closeTo(realMs!, 1_000);

    const out = process.env.KSPAN_SCREENSHOT_OUT;
    if (out) {
      const target = resolve(REPO, out);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(png, target);
      expect(statSync(target).size, `${target} must stay under 200 KB`).to.be.below(
        MAX_README_IMAGE_BYTES,
      );
      console.log(`      wrote ${target} (${statSync(target).size} bytes)`);
    }
  });
});
