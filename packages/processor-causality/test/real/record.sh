#!/usr/bin/env bash
# Re-records one scenario of the real corpus against the e2e cluster:
#   bash packages/processor-causality/test/real/record.sh <scenario>
# NS overrides the namespace (on a shared cluster: a helper's own prefix).
# Needs the e2e environment ($KSPAN_E2E_RUN_DIR/env, else e2e/.run/env) and a built workspace.
# It creates namespace real-<scenario>, starts `kspan capture` limited to it, runs
# <scenario>/steps.sh, waits until the cluster is quiet, stops the capture, keeps only the scenario's
# items (its namespace, and the KWOK nodes it used) in <scenario>/capture.ndjson, and deletes the
# namespace and the real-node-* nodes the steps made. <scenario>/scenario.env may set OWNER_KINDS (extra owner kinds,
# space-separated) and NODE_EVENTS=1 (also watch namespace default for the nodes' events).
set -euo pipefail
scenario=${1:?usage: record.sh <scenario>}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
dir=$here/$scenario
[ -f "$dir/steps.sh" ] || { echo "no $dir/steps.sh" >&2; exit 2; }
run=${KSPAN_E2E_RUN_DIR:-$repo/e2e/.run}
# shellcheck disable=SC1091
source "$run/env"
export NS=${NS:-real-$scenario} KUBECTL KUBECONFIG
# shellcheck source=lib.sh
source "$here/lib.sh"
OWNER_KINDS='' NODE_EVENTS=0
[ -f "$dir/scenario.env" ] && source "$dir/scenario.env"

tmp=$(mktemp -d)
export NODE_LIST=$tmp/nodes
touch "$NODE_LIST"
cleanup() {
  [ -n "${capture_pid:-}" ] && kill -TERM "$capture_pid" 2>/dev/null || true
  kc delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  # shellcheck disable=SC2046
  [ -s "$NODE_LIST" ] && kc delete node $(cat "$NODE_LIST") --ignore-not-found >/dev/null 2>&1 || true
}
trap cleanup EXIT

kc delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
kc create namespace "$NS" >/dev/null
until k get serviceaccount default >/dev/null 2>&1; do sleep 0.3; done

namespaces="\"$NS\""
[ "$NODE_EVENTS" = 1 ] && namespaces="$namespaces, \"default\""
kinds='"Deployment","ReplicaSet","StatefulSet","DaemonSet","Job","CronJob","Pod","Node"'
for kind in $OWNER_KINDS; do kinds="$kinds,\"$kind\""; done
cat >"$tmp/config.yaml" <<JSON
{
  "receivers": { "k8s_events": { "namespaces": [$namespaces], "max_age": "1m", "owners": { "kinds": [$kinds] } } },
  "processors": { "causality": {} },
  "exporters": { "debug": {} },
  "service": { "pipelines": { "traces": { "receivers": ["k8s_events"], "processors": ["causality"], "exporters": ["debug"] } } }
}
JSON
start_capture "$tmp/config.yaml" "$tmp/raw.ndjson" "$tmp/capture.log"

log "steps of $scenario in $NS"
bash -c "source '$here/lib.sh'; set -euo pipefail; source '$dir/steps.sh'"

wait_settled ${SETTLE_TIMEOUT:-180}
kill -TERM "$capture_pid"
wait "$capture_pid" || true
capture_pid=
# shellcheck disable=SC2046
node "$here/filter-capture.mjs" "$NS" $(cat "$NODE_LIST") <"$tmp/raw.ndjson" >"$dir/capture.ndjson"
log "$dir/capture.ndjson: $(wc -l <"$dir/capture.ndjson") lines, $(du -k "$dir/capture.ndjson" | cut -f1) KB (raw $(wc -l <"$tmp/raw.ndjson") lines)"
