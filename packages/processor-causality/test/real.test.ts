import { expect } from 'chai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadCorpus, scenarioDirs, scenarioNames } from './real/corpus.js';
import { CHECKS, DEFECTS, type Defect } from './real/expected.js';
import { describeRef, evaluate, SpanIndex, viewOf } from './real/relations.js';
import { replay } from './helpers/run.js';

// Issue 10's corpus: real control-plane activity recorded from the e2e cluster, and the parent
// relations that follow from the recording itself (see test/real/*/NOTES.md). A relation marked
// `open` is one the engine still gets wrong: it must STILL be wrong, so fixing it flips the test.

const tally = new Map<Defect, { right: number; total: number }>(
  DEFECTS.map((d) => [d, { right: 0, total: 0 }]),
);

describe('real corpus: recordings of the e2e cluster against their ground truth', () => {
  const corpus = loadCorpus();

  it('has at least 15 recorded scenarios, each with relations', () => {
    const missing = scenarioDirs().filter((n) => !scenarioNames().includes(n));
    expect(missing, 'scenarios without capture.ndjson + expected.json').to.deep.equal([]);
    expect(corpus.length, corpus.map((r) => r.name).join(' ')).to.be.at.least(15);
    for (const r of corpus) expect(r.expected.relations, r.name).to.not.be.empty;
  });

  for (const rec of corpus) {
    describe(rec.name, () => {
      let spans: ReadableSpan[] = [];
      let index: SpanIndex;
      before(async () => {
        spans = await replay(rec.items);
        index = new SpanIndex(spans.map(viewOf));
      });

      it('replays to spans with unique ids, every parent present', () => {
        const ids = new Set(spans.map((s) => s.spanContext().spanId));
        expect(ids.size).to.equal(spans.length);
        for (const s of spans) {
          const p = s.parentSpanContext?.spanId;
          if (p) expect(ids.has(p), `parent of ${s.name}`).to.equal(true);
        }
      });

      for (const rel of rec.expected.relations) {
        const what = Object.entries(rel)
          .filter(([k]) => CHECKS.includes(k as never) && k !== 'rootService')
          .map(([k, v]) => `${k} ${describeRef(v)}`)
          .concat(rel.rootService ? [`rootService ${rel.rootService}`] : []);
        const title = `${rel.id} [defect ${rel.defect}${rel.open ? `, open` : ''}]: ${describeRef(rel.span)} ${what.join('')}`;
        it(title, () => {
          const v = evaluate(rel, index);
          const t = tally.get(rel.defect)!;
          t.total++;
          if (v.holds) t.right++;
          if (rel.open)
            expect(v.holds, `now holds: remove the open mark (${rel.why}) — ${v.detail}`).to.equal(
              false,
            );
          else expect(v.holds, `${rel.why} — ${v.detail}`).to.equal(true);
        });
      }
    });
  }

  after(() => {
    const lines = DEFECTS.filter((d) => tally.get(d)!.total > 0).map((d) => {
      const t = tally.get(d)!;
      return `  defect ${d}: ${t.right}/${t.total} relations right`;
    });
    if (lines.length) console.log(`real corpus, relations right / total:\n${lines.join('\n')}`);
  });
});
