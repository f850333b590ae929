import { expect } from 'chai';
import { ObjRecord } from '../src/obj-record.js';

describe('ObjRecord generations', () => {
  const S = 1_790_000_000; // a second since the epoch

  function firstSeenAfterAChange(): ObjRecord {
    // As the owner graph records an object first seen at generation 3 whose spec write (second S)
    // started it, with no runner-up writer in managedFields: only the previous generation's number.
    const rec = new ObjRecord('d1', 'Deployment', 'default', 'web', 'Deployment/default/web');
    rec.generation = 3;
    rec.genSince = S;
    rec.endGeneration(undefined);
    return rec;
  }

  it('gives the generation in force before the spec write, with no history', () => {
    const rec = firstSeenAfterAChange();
    expect(rec.generationAt((S - 5) * 1e6)).to.equal(2);
    expect(rec.generationAt((S + 1) * 1e6)).to.equal(3);
  });

  it('gives it too once a traceparent gave the object a history with no ended generation', () => {
    const rec = firstSeenAfterAChange();
    rec.traceparent = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 };
    // Before the fix this read the first of an empty list of ended generations and threw.
    expect(rec.generationAt((S - 5) * 1e6)).to.equal(2);
    expect(rec.writtenBefore((S - 5) * 1e6)).to.equal(undefined);
  });

  it('reads ended generations when they were recorded', () => {
    const rec = new ObjRecord('d2', 'Deployment', 'default', 'api', 'Deployment/default/api');
    rec.generation = 1;
    rec.endGeneration({ manager: 'kubectl', operation: 'Update', sec: S }, 2, S + 10);
    rec.endGeneration({ manager: 'kubectl', operation: 'Update', sec: S + 10 }, 3, S + 20);
    expect(rec.generationAt((S + 5) * 1e6)).to.equal(1);
    expect(rec.generationAt((S + 15) * 1e6)).to.equal(2);
    expect(rec.generationAt((S + 25) * 1e6)).to.equal(3);
  });
});
