import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { REPLAY_V8_SETTINGS, userChose } from '../src/cli/replay-v8.js';

const [heap, inlining] = REPLAY_V8_SETTINGS as [
  (typeof REPLAY_V8_SETTINGS)[number],
  (typeof REPLAY_V8_SETTINGS)[number],
];

describe("kspan replay's V8 settings", () => {
  it('leaves the heap to the user who gave a heap flag, in NODE_OPTIONS or node arguments', () => {
    expect(userChose(heap, '--max-old-space-size=320', [])).to.equal(true);
    expect(userChose(heap, '--enable-source-maps --max_old_space_size=2048', [])).to.equal(true);
    expect(userChose(heap, undefined, ['--heap-growing-percent=100'])).to.equal(true);
    expect(userChose(heap, undefined, ['--max-heap-size=512'])).to.equal(true);
    // The young generation's size is no choice of the growth step (the image sets one).
    expect(userChose(heap, '--max-semi-space-size=16', [])).to.equal(false);
    expect(userChose(heap, '', ['--max_semi_space_size=64'])).to.equal(false);
    // A heap flag is not an inlining choice.
    expect(userChose(inlining, '--max-old-space-size=320', [])).to.equal(false);
  });

  it('leaves inlining to the user who gave an inlining flag', () => {
    expect(userChose(inlining, '--max-inlined-bytecode-size-cumulative=920', [])).to.equal(true);
    expect(userChose(inlining, undefined, ['--max_inlined_bytecode_size_cumulative=500'])).to.equal(
      true,
    );
    expect(userChose(inlining, '', ['--no-turbo-inlining'])).to.equal(true);
    // Another inlining flag (per function) is not the budget it sets.
    expect(userChose(inlining, undefined, ['--max-inlined-bytecode-size=460'])).to.equal(false);
    expect(userChose(heap, '', ['--no-turbo-inlining'])).to.equal(false);
  });

  it('applies its own settings otherwise', () => {
    for (const setting of REPLAY_V8_SETTINGS) {
      expect(userChose(setting, undefined, [])).to.equal(false);
      expect(userChose(setting, '--enable-source-maps', ['--import', 'tsx'])).to.equal(false);
    }
  });

  it('sets flags V8 knows by these names', () => {
    // setFlagsFromString ignores what V8 does not know without an error; V8's own help lists the
    // flags it knows (checked in a process of its own).
    const help = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const { flag } of REPLAY_V8_SETTINGS) {
      expect(help).to.include(`  ${flag.replace(/=.*/, '')} `);
    }
  });
});
