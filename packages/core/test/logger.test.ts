import { expect } from 'chai';
import { createLogger } from '../src/logger.js';
import type { LogEntry } from '../src/logger.js';

describe('createLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    const seen: LogEntry[] = [];
    const logger = createLogger({
      level: 'warn',
      write: (l) => lines.push(l),
      now: () => 0,
      observe: (e) => seen.push(e),
    });
    return { logger, lines, seen };
  };

  it('flushes what a rate limiter held back: every entry is shown or counted', () => {
    const { logger, lines } = capture();
    const log = logger.child({ component: 'k8s_capture' }).rateLimited('malformed');
    for (let line = 1; line <= 11; line++) log.warn('skipped malformed input', { line });
    expect(lines).to.have.length(1);
    logger.flushSuppressed();
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(
      /WARN {2}skipped malformed input component=k8s_capture line=11 suppressed=9$/,
    );
    logger.flushSuppressed();
    expect(lines, 'a second flush has nothing left').to.have.length(2);
  });

  it('flushes a single held entry without a suppressed count, with its own time', () => {
    let t = 0;
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), now: () => t });
    const log = logger.rateLimited('k');
    log.warn('a', { n: 1 });
    t = 1000;
    log.warn('a', { n: 2 });
    t = 5000;
    logger.flushSuppressed();
    expect(lines).to.deep.equal([
      '1970-01-01T00:00:00.000Z WARN  a n=1',
      '1970-01-01T00:00:01.000Z WARN  a n=2',
    ]);
  });

  it('lets an observer see every entry, below the level and rate-limited ones too', () => {
    const { logger, seen } = capture();
    logger.info('hello');
    const log = logger.rateLimited('k');
    for (let i = 0; i < 5; i++) log.warn('drop', { reason: 'x' });
    expect(seen.map((e) => `${e.level}:${e.msg}`)).to.deep.equal([
      'info:hello',
      ...Array(5).fill('warn:drop'),
    ]);
  });

  it('escapes control characters in text lines (no forged lines, no terminal escapes)', () => {
    const { logger, lines } = capture();
    logger.warn('bad\u001b[2J', { message: 'a\nINFO forged\u001b]0;t\u0007', n: '\u009b' });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/bad\\x1b\[2J message=a\\nINFO forged\\x1b\]0;t\\x07 n=\\x9b$/);
  });

  it('JSON lines stay the same JSON but carry no raw C1 or bidi characters', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', write: (l) => lines.push(l), now: () => 0 });
    const message = 'a\u009b31m\u202eb\u001b[0m\n';
    logger.warn('x', { message });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(lines[0]).to.not.match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect((JSON.parse(lines[0]!) as { message: string }).message).to.equal(message);
  });
});
