import { expect } from 'chai';
import { conformanceCases } from './helpers/conformance.js';
import { applyDeviations, loadDeviations } from './helpers/deviations.js';
import { replay } from './helpers/run.js';
import { canonical, parseTree, renderTree, treeLines } from './helpers/tree.js';

describe('conformance: kspan cases replayed and compared with expected.txt', () => {
  const cases = conformanceCases();
  const deviations = loadDeviations();

  it('finds the five cases and the deviation table', () => {
    expect(cases.map((c) => c.name)).to.include.members([
      'deployment-2-pods',
      'flux-event-later',
      'flux-sts',
      'scaledown-earlier',
      'scaledown-later',
    ]);
    for (const d of deviations) expect(cases.map((c) => c.name)).to.include(d.case);
  });

  for (const c of cases) {
    it(`${c.name}: same spans and parents as kspan, except CONFORMANCE.md`, async () => {
      const spans = await replay(c.items);
      const expected = applyDeviations(
        parseTree(c.expected),
        deviations.filter((d) => d.case === c.name),
      );
      const got = canonical(treeLines(spans));
      expect(got, `ours:\n${renderTree(spans)}`).to.equal(canonical(expected));
    });

    it(`${c.name}: one trace, every parent present, parents never start after children`, async () => {
      const spans = await replay(c.items);
      expect(new Set(spans.map((s) => s.spanContext().traceId)).size).to.equal(1);
      const ids = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      expect(ids.size, 'span ids are unique').to.equal(spans.length);
      const ns = (t: readonly [number, number]) => t[0] * 1e9 + t[1];
      for (const s of spans) {
        const pid = s.parentSpanContext?.spanId;
        if (!pid) continue;
        const p = ids.get(pid);
        expect(p, `parent of ${s.name}`).to.not.equal(undefined);
        expect(ns(p!.startTime)).to.be.at.most(ns(s.startTime));
        expect(ns(s.endTime)).to.be.at.least(ns(s.startTime));
      }
    });
  }
});
