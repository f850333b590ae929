#!/usr/bin/env bash
# Records deployment-rollout-status.ndjson: a Deployment created, its image changed, then scaled,
# captured by `kspan capture` with the k8s_events defaults for owners (status_kinds: Deployment,
# StatefulSet, DaemonSet, Job, CronJob, Pod watched with status), limited to one namespace.
#   bash packages/processor-causality/test/real/status/record.sh
# Needs the e2e environment ($KSPAN_E2E_RUN_DIR/env, else e2e/.run/env) and a built workspace.
# Not a scenario of the real corpus (no steps.sh): a fixture of objects with status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
run=${KSPAN_E2E_RUN_DIR:-$repo/e2e/.run}
# shellcheck disable=SC1091
source "$run/env"
export NS=${NS:-h16-status-rollout} KUBECTL KUBECONFIG NODE_LIST=/dev/null
# shellcheck source=../lib.sh
source "$here/../lib.sh"
tmp=$(mktemp -d)
cleanup() {
  [ -n "${capture_pid:-}" ] && kill -TERM "$capture_pid" 2>/dev/null || true
  kc delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

kc delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
kc create namespace "$NS" >/dev/null
until k get serviceaccount default >/dev/null 2>&1; do sleep 0.3; done
# Only namespaces and max_age are set: owners.kinds and owners.status_kinds are the defaults.
cat >"$tmp/config.yaml" <<JSON
{
  "receivers": { "k8s_events": { "namespaces": ["$NS"], "max_age": "1m" } },
  "processors": { "causality": {} },
  "exporters": { "debug": {} },
  "service": { "pipelines": { "traces": { "receivers": ["k8s_events"], "processors": ["causality"], "exporters": ["debug"] } } }
}
JSON
start_capture "$tmp/config.yaml" "$tmp/raw.ndjson" "$tmp/capture.log"

log "create web (2 replicas, app:1)"
k create deployment web --image=registry.local/app:1 --replicas=2
rollout deployment/web
sleep 2
log "image app:2"
k set image deployment/web app=registry.local/app:2
rollout deployment/web
sleep 2
log "scale to 3"
k scale deployment/web --replicas=3
rollout deployment/web

wait_settled 120
# The objects as the API server has them at the end, for comparing timestamps with the capture.
k get deployment,replicaset,pod -o json >"$tmp/final.json"
kill -TERM "$capture_pid"
wait "$capture_pid" || true
capture_pid=
out=$here/deployment-rollout-status.ndjson
node "$here/../filter-capture.mjs" "$NS" <"$tmp/raw.ndjson" >"$out"
cp "$tmp/final.json" "${FINAL_JSON:-$tmp/final.json}" 2>/dev/null || true
log "$out: $(wc -l <"$out") lines, $(du -k "$out" | cut -f1) KB (raw $(wc -l <"$tmp/raw.ndjson") lines); final objects in ${FINAL_JSON:-$tmp/final.json}"
