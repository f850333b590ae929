import { expect } from 'chai';
import { makeSpan } from '@kspan/testing';
import { renderTraces } from '../src/render-tree.js';
import { span } from './fixtures.js';

// Anyone who can create an Event writes its message: the tree must show control sequences as
// harmless escapes, never pass them to the terminal (issue 13, item 5).
describe('renderTraces with hostile text', () => {
  const HOSTILE = [
    '\u001b[31mred\u001b[0m', // ANSI colour
    '\u001b]0;pwned\u0007', // OSC window title
    'line1\nline2\r\tx', // newlines break the tree
    '\u009b31m', // C1 CSI
    'evil\u202eexe.txt', // bidi override
  ].join(' ');
  // Any byte a terminal acts on: C0 (but nothing: the renderer adds only \n between lines), DEL, C1, bidi.
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  const check = (out: string, lines: number) => {
    expect(out).to.not.match(UNSAFE);
    expect(out.trimEnd().split('\n')).to.have.length(lines);
  };

  it('escapes the message, the name and the service of a span', () => {
    const out = renderTraces(
      [
        span({
          id: 'a',
          name: 'Pod.\u001b[2JBackOff\n',
          service: 'kube\u001blet',
          startMs: 0,
          endMs: 1,
          message: HOSTILE,
        }),
      ],
      { width: 400 },
    );
    check(out, 2);
    expect(out).to.contain('\\x1b[31mred\\x1b[0m');
    expect(out).to.contain('\\x1b]0;pwned\\x07');
    expect(out).to.contain('line1\\nline2\\r\\tx');
    expect(out).to.contain('\\x9b31m');
    expect(out).to.contain('evil\\u202eexe.txt');
    expect(out).to.contain('kube\\x1blet Pod.\\x1b[2JBackOff\\n');
  });

  it('escapes attribute keys and values in detailed mode', () => {
    const s = makeSpan({
      spanId: '00000000000000aa',
      name: 'Pod.Started',
      service: 'kubelet',
      startNs: 1_700_000_000_000_000_000n,
      attributes: { 'k8s.\u001b[1mkey\n': 'v\u009d2;title\u009c', 'k8s.event.message': 'ok' },
    });
    const out = renderTraces([s], { width: 400, attributes: true });
    check(out, 4);
    expect(out).to.contain('k8s.\\x1b[1mkey\\n=');
    expect(out).to.contain('\\x9d2;title\\x9c');
  });
});
