#!/usr/bin/env bash
# Stops one peer and starts it again with the same command line, then waits until it is ready.
# Usage: restart-peer.sh <etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok|jaeger|zipkin>
# Needs a prior up.sh (which writes e2e/.run/cmd/<peer>.sh).
set -euo pipefail
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS_DIR/lib.sh"

peer=${1:-}
[ -n "$peer" ] || die "usage: $0 <peer>   (peers: ${PEERS[*]})"
known=0; for p in "${PEERS[@]}"; do [ "$p" = "$peer" ] && known=1; done
[ "$known" = 1 ] || die "unknown peer '$peer' (peers: ${PEERS[*]})"
[ -x "$CMD_DIR/$peer.sh" ] || die "$CMD_DIR/$peer.sh not found: run e2e/scripts/up.sh first"
exec 9>"$RUN_DIR/.lock"
flock -w 900 9 || die "another up.sh/down.sh holds $RUN_DIR/.lock"
start=$(date +%s)
bash "$CMD_DIR/$peer.sh"
log "$peer restarted in $(( $(date +%s) - start ))s"
