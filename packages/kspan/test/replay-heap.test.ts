import { expect } from 'chai';
import { userChoseHeap } from '../src/cli/replay-heap.js';

describe('kspan replay heap policy', () => {
  it('leaves the heap to the user who gave a heap flag, in NODE_OPTIONS or node arguments', () => {
    expect(userChoseHeap('--max-old-space-size=320', [])).to.equal(true);
    expect(userChoseHeap('--enable-source-maps --max_old_space_size=2048', [])).to.equal(true);
    expect(userChoseHeap(undefined, ['--heap-growing-percent=100'])).to.equal(true);
    expect(userChoseHeap('', ['--max-semi-space-size=64'])).to.equal(true);
    expect(userChoseHeap(undefined, ['--max-heap-size=512'])).to.equal(true);
  });

  it('applies its own growth otherwise', () => {
    expect(userChoseHeap(undefined, [])).to.equal(false);
    expect(userChoseHeap('--enable-source-maps', ['--import', 'tsx'])).to.equal(false);
  });
});
