// Headless Chromium (Debian's, unpacked by e2e/scripts/build-peers.sh) driven from its command line:
// a page's screenshot and its DOM after the scripts ran. No browser-driver library is needed for that.
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, suiteEnv } from './env.js';

/**
 * The chromium wrapper: `CHROMIUM` from the env file, else where build-peers.sh puts it (the version
 * lives in e2e/scripts/lib.sh only, so the script is asked rather than the path repeated here).
 */
export function chromiumPath(): string {
  const path =
    suiteEnv().CHROMIUM ??
    execFileSync(
      'bash',
      [
        '-c',
        'source "$1" >/dev/null && printf %s "$CHROMIUM_BIN/chromium"',
        'lib',
        'e2e/scripts/lib.sh',
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${path} is missing: build it with \`bash e2e/scripts/build-peers.sh chromium\``,
    );
  }
  return path;
}

export interface PageOptions {
  /** Viewport, which is also the screenshot's size. */
  width: number;
  height: number;
  /** Virtual time the page gets to load and run its scripts (network waits do not count). */
  budgetMs?: number;
}

function run(args: string[], o: PageOptions): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'kspan-e2e-chromium-'));
  const argv = [
    '--headless',
    // the e2e machines run as root, where Chromium's sandbox refuses to start; the page is our own
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--window-size=${o.width},${o.height}`,
    `--virtual-time-budget=${o.budgetMs ?? 10_000}`,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      chromiumPath(),
      argv,
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        rmSync(profile, { recursive: true, force: true });
        if (err)
          reject(
            new Error(
              `chromium ${args.join(' ')} failed: ${err.message}\n${stderr.split('\n').slice(-15).join('\n')}`,
            ),
          );
        else resolve(stdout);
      },
    );
  });
}

/** The page's DOM as serialised after its scripts ran for the virtual-time budget. */
export function dumpDom(url: string, o: PageOptions): Promise<string> {
  return run(['--dump-dom', url], o);
}

/** A PNG of the page's viewport, written to `file`. */
export async function screenshot(url: string, file: string, o: PageOptions): Promise<void> {
  await run([`--screenshot=${file}`, url], o);
}
