# Shared settings for the kspan e2e scripts. Sourced, not executed.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Peer versions (override through the environment if needed).
KUBE_VERSION="${KSPAN_E2E_KUBE_VERSION:-v1.34.4}"
ETCD_VERSION="${KSPAN_E2E_ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KSPAN_E2E_KWOK_VERSION:-v0.8.0}"
JAEGER_VERSION="${KSPAN_E2E_JAEGER_VERSION:-v1.76.0}"
ZIPKIN_VERSION="${KSPAN_E2E_ZIPKIN_VERSION:-3.6.1}"
HELM_VERSION="${KSPAN_E2E_HELM_VERSION:-v3.22.0}"
# Debian bookworm's chromium (the Zipkin UI test's headless browser). Debian's security archive keeps
# only the newest build: when this one is gone from it, build-peers.sh says which version to set.
CHROMIUM_VERSION="${KSPAN_E2E_CHROMIUM_VERSION:-156.0.8078.108-1~deb12u1}"

CACHE_DIR="${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}"
K8S_BIN="$CACHE_DIR/kubernetes-$KUBE_VERSION"
ETCD_BIN="$CACHE_DIR/etcd-$ETCD_VERSION"
KWOK_BIN="$CACHE_DIR/kwok-$KWOK_VERSION"
JAEGER_BIN="$CACHE_DIR/jaeger-$JAEGER_VERSION"
ZIPKIN_BIN="$CACHE_DIR/zipkin-$ZIPKIN_VERSION"
HELM_BIN="$CACHE_DIR/helm-$HELM_VERSION"
CHROMIUM_BIN="$CACHE_DIR/chromium-${CHROMIUM_VERSION//\~/_}"   # `~` is awkward in paths

RUN_DIR="${KSPAN_E2E_RUN_DIR:-$E2E_DIR/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
CMD_DIR="$RUN_DIR/cmd"
PKI_DIR="$RUN_DIR/pki"

# Start order; down.sh stops in reverse order.
PEERS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok jaeger zipkin)

log() { printf '[%s] %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- runtime helpers (up/down/restart, cmd/*.sh)

KUBECONFIG_FILE="$RUN_DIR/kubeconfig.yaml"
APISERVER_URL="https://127.0.0.1:6443"
ETCD_ENDPOINT="http://127.0.0.1:2379"
STOP_GRACE_SECONDS="${KSPAN_E2E_STOP_GRACE:-15}"

# Ports each peer listens on (all on 127.0.0.1, Zipkin on all interfaces).
peer_ports() {
  case "$1" in
    etcd) echo 2379 2380 ;;
    kube-apiserver) echo 6443 ;;
    kube-controller-manager) echo 10257 ;;
    kube-scheduler) echo 10259 ;;
    kwok) echo 10247 ;;
    jaeger) echo 4317 4318 16686 16685 13133 ;;
    zipkin) echo 9411 ;;
  esac
}

# Seconds to wait for a peer to become ready.
peer_timeout() {
  case "$1" in
    kube-apiserver|zipkin) echo "${KSPAN_E2E_SLOW_TIMEOUT:-180}" ;;
    *) echo "${KSPAN_E2E_TIMEOUT:-90}" ;;
  esac
}

port_open() { # <port> : something accepts TCP connections on 127.0.0.1:<port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

curl_k8s() { # curl with the admin client certificate
  curl -fsS --max-time 5 --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" "$@"
}

# health_<peer>: one quick probe, 0 = ready.
health_etcd() { curl -fsS --max-time 3 "$ETCD_ENDPOINT/health" 2>/dev/null | grep -q '"health":"true"'; }
health_kube-apiserver() { [ "$(curl_k8s "$APISERVER_URL/readyz" 2>/dev/null)" = ok ]; }
health_kube-controller-manager() { [ "$(curl -fsSk --max-time 3 https://127.0.0.1:10257/healthz 2>/dev/null)" = ok ]; }
health_kube-scheduler() { [ "$(curl -fsSk --max-time 3 https://127.0.0.1:10259/healthz 2>/dev/null)" = ok ]; }
health_kwok() { curl -fsSk --max-time 3 https://127.0.0.1:10247/healthz >/dev/null 2>&1 || curl -fsS --max-time 3 http://127.0.0.1:10247/healthz >/dev/null 2>&1; }
health_jaeger() {
  curl -fsS --max-time 3 http://127.0.0.1:16686/api/services >/dev/null 2>&1 &&
  curl -fsS --max-time 3 http://127.0.0.1:13133/status >/dev/null 2>&1 && port_open 4317 && port_open 4318
}
health_zipkin() { curl -fsS --max-time 3 http://127.0.0.1:9411/health 2>/dev/null | grep -q '"status" *: *"UP"'; }
peer_healthy() { "health_$1"; }

# Prints the PID of a running peer started by these scripts (from pids/<peer>.pid). The process must be
# alive, not a zombie, and its command line must mention this run directory (guards against PID reuse).
# A process that is alive but whose command line does not match yet may be just starting: right after
# the fork it still shows the parent's command line, and during an exec the kernel shows an empty one
# for a moment. Reading it once made up.sh report "etcd exited during start-up" (with nothing in its
# log) for an etcd that was starting fine (measured: about 1 start in 1,000 on a loaded 2-core
# machine, with a small binary); so a mismatch is read again for up to half a second.
peer_pid() {
  local f="$PID_DIR/$1.pid" pid state i
  [ -f "$f" ] || return 1
  pid=$(<"$f"); [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  for ((i = 0; i < 10; i++)); do
    pid_alive "$pid" || return 1
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$RUN_DIR"; then
      echo "$pid"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

pid_alive() { # <pid>
  local state
  [ -d "/proc/$1" ] || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Seconds between SIGTERM and SIGKILL. kube-apiserver stops listening at once on SIGTERM but then lingers
# (observed: still alive after 15s while controllers/kwok hold watch connections), so it gets a short grace.
peer_stop_grace() {
  case "$1" in
    kube-apiserver) echo "${KSPAN_E2E_APISERVER_STOP_GRACE:-5}" ;;
    *) echo "$STOP_GRACE_SECONDS" ;;
  esac
}

# Stops one peer: SIGTERM to its process group, SIGKILL after the grace period. Idempotent.
stop_peer() {
  local peer=$1 pid i grace
  grace=$(peer_stop_grace "$peer")
  if pid=$(peer_pid "$peer"); then
    log "stopping $peer (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    if pid_alive "$pid"; then
      log "$peer (pid $pid) still running after ${grace}s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    fi
    pid_alive "$pid" && die "could not stop $peer (pid $pid)"
    printf '[%s] ==== %s stopped (pid %s)\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$peer" "$pid" >> "$LOG_DIR/$peer.log"
  fi
  rm -f "$PID_DIR/$peer.pid"
}

# Runs a peer (arguments: <peer> <argv...>) and, when it ends, writes how to its log: the exit status, or
# the signal that killed it. A peer that dies before it logs anything is otherwise a mystery. The
# supervising shell stays in the peer's process group (stop_peer signals the group); it catches the stop
# signals only to outlive the peer (a caught signal is reset to the default in the peer; an ignored one
# would be inherited).
SUPERVISE_PEER='peer=$1; shift
trap : TERM INT HUP
"$@"
rc=$?
if ((rc > 128)); then how="killed by signal $((rc - 128)) (SIG$(kill -l $((rc - 128)) 2>/dev/null))"
else how="exited with status $rc"; fi
printf "[%s] ==== %s %s\n" "$(date "+%Y-%m-%d %H:%M:%S")" "$peer" "$how"
exit "$rc"'

# Starts one peer detached (own session/process group, under SUPERVISE_PEER), appending to
# logs/<peer>.log. The pid file holds the supervising shell's pid: it lives exactly as long as the peer.
# Usage: start_peer <peer> <argv...>
start_peer() {
  local peer=$1 port pid; shift
  mkdir -p "$LOG_DIR" "$PID_DIR"
  for port in $(peer_ports "$peer"); do
    port_open "$port" && die "$peer: port 127.0.0.1:$port is already in use by another process (not started by these scripts?); see: ss -ltnp 'sport = :$port'"
  done
  printf '[%s] ==== starting %s: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$peer" "$*" >> "$LOG_DIR/$peer.log"
  setsid bash -c "$SUPERVISE_PEER" "$RUN_DIR/$peer" "$peer" "$@" >> "$LOG_DIR/$peer.log" 2>&1 < /dev/null 9>&- &
  pid=$!
  echo "$pid" > "$PID_DIR/$peer.pid"
  log "started $peer (pid $pid, log $LOG_DIR/$peer.log)"
}

# What has a peer's ports (listening or connected), for the log of a peer that died at start.
port_holders() { # <peer>
  local port filter=''
  for port in $(peer_ports "$1"); do filter+="${filter:+ or }sport = :$port"; done
  [ -n "$filter" ] || return 0
  ss -Htanp "( $filter )" 2>/dev/null || true
}

# Exit status of wait_ready when the peer died during start-up (up.sh retries that once).
DIED_AT_START=3

# How the peer's last run ended, from the line SUPERVISE_PEER wrote to its log.
peer_end() { # <peer>
  local line
  line=$(grep -a "==== $1 \(exited\|killed\)" "$LOG_DIR/$1.log" 2>/dev/null | tail -n 1)
  echo "${line#*==== $1 }"
}

# Waits until a peer is ready; fails with the peer's name and log if it dies (exit status DIED_AT_START)
# or times out (1).
wait_ready() { # <peer> [start epoch seconds, default now]
  local peer=$1 timeout start pid end
  timeout=$(peer_timeout "$peer"); start=${2:-$(date +%s)}
  while :; do
    if ! pid=$(peer_pid "$peer"); then
      {
        printf '[%s] ==== %s ports after it ended (ss -tanp):\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$peer"
        port_holders "$peer" | sed 's/^/  /'
      } >> "$LOG_DIR/$peer.log"
      log "---- last lines of $LOG_DIR/$peer.log:" >&2; tail -n 30 "$LOG_DIR/$peer.log" >&2 || true
      end=$(peer_end "$peer")
      log "ERROR: $peer exited during start-up (${end:-no exit record}); see $LOG_DIR/$peer.log" >&2
      exit "$DIED_AT_START"
    fi
    peer_healthy "$peer" && break
    if (( $(date +%s) - start >= timeout )); then
      log "---- last lines of $LOG_DIR/$peer.log:" >&2; tail -n 30 "$LOG_DIR/$peer.log" >&2 || true
      die "$peer (pid $pid) not ready after ${timeout}s; see $LOG_DIR/$peer.log"
    fi
    sleep 0.5
  done
  log "$peer ready $(( $(date +%s) - start ))s after start"
}

# start_peer_cmd <peer> [--no-wait]: (re)starts the peer with cmd/<peer>.sh (written by up.sh). A peer
# that dies during start-up is started once more, with how it ended (exit status or signal, from its
# log) logged: a first start can fail for reasons gone a moment later (a port still held, a kill under
# memory pressure), and one retry costs seconds where a failed up.sh costs the whole e2e run.
start_peer_cmd() {
  local peer=$1 rc=0
  bash "$CMD_DIR/$peer.sh" "${@:2}" || rc=$?
  if [ "$rc" = "$DIED_AT_START" ]; then
    log "$peer died during start-up ($(peer_end "$peer")): starting it once more"
    rc=0
    bash "$CMD_DIR/$peer.sh" "${@:2}" || rc=$?
  fi
  [ "$rc" = 0 ] || die "$peer did not start (see $LOG_DIR/$peer.log)"
}
