import { expect } from 'chai';
import { JsonSplitter, isStray } from '../../src/stream/json-splitter.js';

function all(chunks: string[]) {
  const s = new JsonSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

describe('JsonSplitter', () => {
  it('cuts concatenated pretty-printed objects, with their first line', () => {
    const text = '{\n  "a": 1\n}\n{\n  "b": {"c": [1, 2]}\n}\n';
    const out = all([text]);
    expect(out).to.deep.equal([
      { text: '{\n  "a": 1\n}', line: 1 },
      { text: '{\n  "b": {"c": [1, 2]}\n}', line: 4 },
    ]);
  });

  it('respects braces and escaped quotes inside strings, across any chunking', () => {
    const text = '{"m":"a } { \\" ] [ \\\\"}{"n":"\\\\\\""}';
    const expected = [
      { text: '{"m":"a } { \\" ] [ \\\\"}', line: 1 },
      { text: '{"n":"\\\\\\""}', line: 1 },
    ];
    for (let size = 1; size <= text.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(all(chunks), `chunk size ${size}`).to.deep.equal(expected);
      for (const seg of expected) expect(() => JSON.parse(seg.text)).not.to.throw();
    }
  });

  it('reports stray text and an unterminated value with their lines', () => {
    const out = all(['{"a":1}\ngarbage\n{"b":', '2}\n{"c":']);
    expect(out.filter((s) => !isStray(s))).to.deep.equal([
      { text: '{"a":1}', line: 1 },
      { text: '{"b":2}', line: 3 },
    ]);
    expect(out.filter(isStray)).to.deep.equal([
      { stray: 'garbage', line: 2 },
      { stray: 'unterminated JSON value at end of input', line: 4 },
    ]);
  });

  it('cuts top-level arrays too', () => {
    expect(all(['[{"a":[1]}] [2]'])).to.deep.equal([
      { text: '[{"a":[1]}]', line: 1 },
      { text: '[2]', line: 1 },
    ]);
  });
});
