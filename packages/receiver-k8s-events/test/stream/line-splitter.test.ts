import { expect } from 'chai';
import { LineSplitter } from '../../src/stream/line-splitter.js';

describe('LineSplitter', () => {
  it('splits lines across chunk boundaries, with line numbers', () => {
    const s = new LineSplitter();
    const out = [...s.push('ab'), ...s.push('c\nde'), ...s.push('f\r\n\ng'), ...s.end()];
    expect(out).to.deep.equal([
      { text: 'abc', line: 1 },
      { text: 'def', line: 2 },
      { text: '', line: 3 },
      { text: 'g', line: 4 },
    ]);
  });

  it('holds only the unfinished line', () => {
    const s = new LineSplitter();
    s.push('12345\n678');
    expect(s.pending).to.equal(3);
    expect(s.end()).to.deep.equal([{ text: '678', line: 2 }]);
    expect(s.end()).to.deep.equal([]);
  });
});
