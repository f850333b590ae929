import { expect } from 'chai';
import fc from 'fast-check';
import { Heap } from '../src/heap.js';

describe('Heap', () => {
  it('pops in order through any mix of pushes and pops (ties included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant('pop' as const)), {
          maxLength: 300,
        }),
        (ops) => {
          const heap = new Heap<number>((a, b) => a < b);
          const model: number[] = [];
          for (const op of ops) {
            if (op === 'pop') {
              model.sort((a, b) => a - b);
              expect(heap.pop()).to.equal(model.shift());
            } else {
              heap.push(op);
              model.push(op);
            }
            expect(heap.size).to.equal(model.length);
            expect(heap.peek()).to.equal(model.length ? Math.min(...model) : undefined);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is empty after its last pop, and pops undefined then', () => {
    const heap = new Heap<string>((a, b) => a < b);
    heap.push('b');
    heap.push('a');
    expect([heap.pop(), heap.pop(), heap.pop()]).to.deep.equal(['a', 'b', undefined]);
    expect(heap.size).to.equal(0);
  });
});
