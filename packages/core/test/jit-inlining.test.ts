import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { userChoseInlining } from '../src/jit-inlining.js';

describe('JIT inlining budget', () => {
  it('leaves inlining to the user who gave an inlining flag, in NODE_OPTIONS or node arguments', () => {
    expect(userChoseInlining('--max-inlined-bytecode-size-cumulative=920', [])).to.equal(true);
    expect(userChoseInlining(undefined, ['--max_inlined_bytecode_size_cumulative=500'])).to.equal(
      true,
    );
    expect(userChoseInlining('', ['--no-turbo-inlining'])).to.equal(true);
  });

  it('applies its own budget otherwise', () => {
    expect(userChoseInlining(undefined, [])).to.equal(false);
    expect(userChoseInlining('--enable-source-maps', ['--import', 'tsx'])).to.equal(false);
    // Another inlining flag (per function) is not the budget it sets.
    expect(userChoseInlining(undefined, ['--max-inlined-bytecode-size=460'])).to.equal(false);
  });

  it('is a flag V8 takes while the process runs', () => {
    // setFlagsFromString ignores what V8 does not know without an error; this checks, in a
    // process of its own, that V8 knows the flag by this name (its help lists the flags).
    const help = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(help).to.match(/--max-inlined-bytecode-size-cumulative\b/);
  });
});
