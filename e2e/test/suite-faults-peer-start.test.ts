// e2e/scripts/lib.sh's peer start-up, with a stand-in peer in a scratch run directory (no cluster
// needed): a peer that dies at start leaves its exit status or signal and its port holders in its
// log, wait_ready says so with its own exit status, start_peer_cmd retries it once, stop_peer waits
// for a peer that takes its time, and a peer caught mid-exec is not taken for dead.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './lib/env.js';

const LIB = join(REPO, 'e2e/scripts/lib.sh');

/** Runs `script` in bash with lib.sh sourced for run directory `run` and a stand-in peer `fake`. */
function bash(run: string, script: string) {
  const prelude = `
set -uo pipefail
export KSPAN_E2E_RUN_DIR=${run}
source ${LIB}
peer_ports() { echo 1; }        # nothing listens on port 1
peer_timeout() { echo 10; }
health_fake() { [ -f "$RUN_DIR/fake.ready" ]; }
`;
  const r = spawnSync('bash', ['-c', prelude + script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('faults: e2e peers that die at start', function () {
  this.timeout(90_000);
  let run: string;
  beforeEach(() => {
    run = mkdtempSync(join(tmpdir(), 'faults-peers-'));
  });
  afterEach(() => {
    bash(run, 'stop_peer fake >/dev/null 2>&1 || true');
    rmSync(run, { recursive: true, force: true });
  });
  const log = () => readFileSync(join(run, 'logs/fake.log'), 'utf8');

  it('a peer killed by a signal at once: the signal and its ports are in the log, exit status 3', () => {
    const r = bash(run, `start_peer fake bash -c 'kill -KILL $$' "$RUN_DIR/x"; wait_ready fake`);
    expect(r.status, r.out).to.equal(3);
    expect(r.out).to.match(/fake exited during start-up \(killed by signal 9 \(SIGKILL\)\)/);
    expect(log()).to.match(/==== fake killed by signal 9 \(SIGKILL\)/);
    expect(log()).to.include('==== fake ports after it ended (ss -tanp):');
  });

  it('a peer that exits: its status is in the log', () => {
    const r = bash(
      run,
      `start_peer fake bash -c 'echo bad flag >&2; exit 7' "$RUN_DIR/x"; wait_ready fake`,
    );
    expect(r.status, r.out).to.equal(3);
    expect(log()).to.match(/bad flag\n\[[^\]]+\] ==== fake exited with status 7\n/);
  });

  it('start_peer_cmd starts a peer that died at start once more, saying how it ended', () => {
    mkdirSync(join(run, 'cmd'), { recursive: true });
    // Dies on its first start (leaving a mark), starts fine on the second.
    writeFileSync(
      join(run, 'cmd/fake.sh'),
      `source ${LIB}
peer_ports() { echo 1; }; peer_timeout() { echo 10; }; health_fake() { [ -f "$RUN_DIR/fake.ready" ]; }
stop_peer fake
start_peer fake bash -c 'if [ -f "$0.tried" ]; then touch "$0.ready"; exec sleep 30; fi; touch "$0.tried"; exit 1' "$RUN_DIR/fake"
wait_ready fake
`,
    );
    const r = bash(run, 'start_peer_cmd fake && echo STARTED');
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(
      /fake died during start-up \(exited with status 1\): starting it once more/,
    );
    expect(r.out).to.include('STARTED');
    const again = bash(run, 'peer_pid fake');
    expect(again.status, again.out).to.equal(0);
  });

  it('start_peer_cmd gives up after the second death', () => {
    mkdirSync(join(run, 'cmd'), { recursive: true });
    writeFileSync(
      join(run, 'cmd/fake.sh'),
      `source ${LIB}
peer_ports() { echo 1; }; peer_timeout() { echo 10; }; health_fake() { false; }
stop_peer fake
start_peer fake bash -c 'exit 2' "$RUN_DIR/fake"
wait_ready fake
`,
    );
    const r = bash(run, 'start_peer_cmd fake');
    expect(r.status).to.equal(1);
    expect(r.out).to.match(/ERROR: fake did not start/);
    expect(log().match(/==== fake exited with status 2/g)).to.have.length(2);
  });

  it('stop_peer waits for a peer that takes its time to stop, and records how it ended', () => {
    const started = bash(
      run,
      `start_peer fake bash -c 'trap "sleep 1; exit 0" TERM; touch "$0.ready"; while :; do sleep 0.1; done' "$RUN_DIR/fake"; wait_ready fake`,
    );
    expect(started.status, started.out).to.equal(0);
    const t0 = Date.now();
    const stopped = bash(run, 'stop_peer fake; peer_pid fake || echo GONE');
    expect(stopped.out).to.include('GONE');
    expect(Date.now() - t0).to.be.at.least(900);
    expect(log()).to.match(/==== fake exited with status 0\n.*==== fake stopped/);
  });

  it('a peer still being exec-ed (command line not its own yet) is not taken for dead', () => {
    // The pid's command line mentions the run directory only after 0.2 s, as during a fork and exec.
    const r = bash(
      run,
      `mkdir -p "$PID_DIR"
RD="$RUN_DIR" bash -c 'sleep 0.2; exec -a "$RD/late" sleep 5' &
echo $! > "$PID_DIR/fake.pid"
peer_pid fake && echo ALIVE; kill $! 2>/dev/null`,
    );
    expect(r.out).to.include('ALIVE');
  });
});
