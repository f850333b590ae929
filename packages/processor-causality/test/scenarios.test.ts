import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { expectChecks, expectTree, loadCases } from './helpers/cases.js';
import { replay } from './helpers/run.js';

// Each directory under scenarios/ is a case: a capture and its expected tree (see helpers/cases.ts
// and scenarios/README.md). A new scenario is a new directory, not code.
const root = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

describe('scenarios (test/scenarios/*: capture → expected tree)', () => {
  const cases = loadCases(root);

  it('finds the scenarios, each with a description', () => {
    expect(cases.length).to.be.at.least(15);
    for (const c of cases) expect(c.about, c.name).to.not.equal('');
  });

  for (const c of cases) {
    it(`${c.name}: ${c.about}`, async () => {
      const spans = await replay(c.items, c.config);
      expectTree(spans, c.expected);
      expectChecks(spans, c.checks);
    });
  }
});
