import { expect } from 'chai';
import { checkExpected, type Relation } from './real/expected.js';
import { evaluate, SpanIndex, type SpanView } from './real/relations.js';

// The checker of the real corpus's relations, on hand-made spans: each kind of check can fail, and a
// reference that names no span (or several) never counts as holding.

const span = (id: string, parent: string | undefined, trace: string, o: Partial<SpanView> = {}) =>
  ({
    spanId: id,
    parentSpanId: parent,
    traceId: trace,
    name: 'X.Y',
    service: 'svc',
    event: `ev-${id}`,
    message: `msg ${id}`,
    counts: [1],
    ...o,
  }) satisfies SpanView;

const index = new SpanIndex([
  span('root', undefined, 't1', { service: 'kubectl-set', event: undefined, message: undefined }),
  span('step', 'root', 't1'),
  span('pod', 'step', 't1'),
  span('agg1', 'step', 't1', {
    event: 'agg',
    message: '(combined from similar events): Created pod: a',
  }),
  span('agg2', 'step', 't1', {
    event: 'agg',
    message: '(combined from similar events): Created pod: b',
    counts: [2, 3],
  }),
  span('other', undefined, 't2'),
]);

const rel = (r: Partial<Relation>): Relation =>
  ({ id: 'x', defect: 'base', span: { event: 'ev-pod' }, why: 'test', ...r }) as Relation;

describe('real corpus: relation checks', () => {
  it('parent / notParent / sameTrace / otherTrace / notSiblingOf / rootService hold or fail as the tree says', () => {
    expect(evaluate(rel({ parent: { event: 'ev-step' } }), index).holds).to.equal(true);
    expect(evaluate(rel({ parent: { event: 'ev-other' } }), index).holds).to.equal(false);
    expect(evaluate(rel({ notParent: { event: 'ev-step' } }), index).holds).to.equal(false);
    expect(evaluate(rel({ notParent: { event: 'ev-other' } }), index).holds).to.equal(true);
    expect(evaluate(rel({ sameTrace: { event: 'ev-step' } }), index).holds).to.equal(true);
    expect(evaluate(rel({ otherTrace: { event: 'ev-step' } }), index).holds).to.equal(false);
    expect(evaluate(rel({ otherTrace: { event: 'ev-other' } }), index).holds).to.equal(true);
    expect(evaluate(rel({ notSiblingOf: { event: 'agg', count: 1 } }), index).holds).to.equal(
      false,
    );
    expect(evaluate(rel({ notSiblingOf: { event: 'ev-step' } }), index).holds).to.equal(true);
    expect(evaluate(rel({ rootService: 'kubectl-set' }), index).holds).to.equal(true);
    expect(evaluate(rel({ rootService: 'kubectl-create' }), index).holds).to.equal(false);
  });

  it('picks one span of an aggregated Event by message (with or without the prefix) or by count', () => {
    const byMsg = rel({
      span: { event: 'agg', message: 'Created pod: b' },
      parent: { event: 'ev-step' },
    });
    expect(evaluate(byMsg, index)).to.include({ holds: true });
    expect(index.find({ event: 'agg', count: 3 })).to.have.property('spanId', 'agg2');
  });

  it('a reference to no span, or to several, never holds — not even a negative check', () => {
    const none = evaluate(rel({ notParent: { event: 'agg', message: 'Created pod: z' } }), index);
    expect(none.holds).to.equal(false);
    expect(none.detail).to.match(/no span of event agg has message/);
    const several = evaluate(rel({ notParent: { event: 'agg' } }), index);
    expect(several.holds).to.equal(false);
    expect(several.detail).to.match(/2 spans match/);
  });

  it('expected.json is checked: every problem is named with its place', () => {
    expect(() =>
      checkExpected(
        {
          scenario: 's',
          summary: 'x',
          relations: [{ id: 'a', defect: '7', span: {}, why: '', parent: {}, sameTrace: {} }],
        },
        'f.json',
      ),
    ).to.throw(
      /defect: not one of[\s\S]*span: not a span reference[\s\S]*why: missing[\s\S]*exactly one of/,
    );
  });
});
