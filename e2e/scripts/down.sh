#!/usr/bin/env bash
# Stops every peer started by up.sh (SIGTERM, SIGKILL after a grace period), in reverse start order.
# Keeps logs, PKI and cmd scripts under e2e/.run/. Idempotent: nothing running is fine.
set -euo pipefail
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS_DIR/lib.sh"

[ -d "$RUN_DIR" ] || { log "nothing to stop ($RUN_DIR does not exist)"; exit 0; }
mkdir -p "$LOG_DIR" "$PID_DIR"
exec 9>"$RUN_DIR/.lock"
flock -w 900 9 || die "another up.sh/down.sh holds $RUN_DIR/.lock"

for ((i = ${#PEERS[@]} - 1; i >= 0; i--)); do
  stop_peer "${PEERS[$i]}"
done

# Safety net: a peer process whose pid file was lost (e.g. e2e/.run/pids removed by hand). Only processes
# whose command line runs a binary from the peer cache AND mentions this run directory are ours.
strays=()
for d in /proc/[0-9]*; do
  pid=${d#/proc/}
  [ "$pid" = $$ ] && continue
  cmd=$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null) || continue
  [[ "$cmd" == *"$CACHE_DIR/"* && "$cmd" == *"$RUN_DIR"* ]] && strays+=("$pid")
done
if [ ${#strays[@]} -gt 0 ]; then
  log "stopping leftover peer processes without a pid file: ${strays[*]}"
  kill -TERM "${strays[@]}" 2>/dev/null || true
  for ((i = 0; i < STOP_GRACE_SECONDS * 10; i++)); do
    alive=0; for pid in "${strays[@]}"; do pid_alive "$pid" && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${strays[@]}"; do pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
fi
log "all peers stopped (logs kept in $LOG_DIR)"
