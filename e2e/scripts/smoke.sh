#!/usr/bin/env bash
# Smoke check of a running e2e environment (after up.sh): rolls a Deployment and checks the Kubernetes
# events that kspan turns into traces, then round-trips one span through Jaeger (OTLP/HTTP) and one
# through Zipkin (/api/v2/spans). Cleans up its Deployment. Exit code 0 = all checks passed.
set -euo pipefail
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS_DIR/lib.sh"
[ -f "$RUN_DIR/env" ] || die "$RUN_DIR/env not found: run e2e/scripts/up.sh first"
# shellcheck disable=SC1091
source "$RUN_DIR/env"
export KUBECONFIG
k() { "$KUBECTL" "$@"; }
passed=0; failed=0
check() { # <description> <command...>
  if "${@:2}"; then log "ok   - $1"; passed=$((passed + 1)); else log "FAIL - $1"; failed=$((failed + 1)); fi
}
poll() { # <tries> <seconds between> <command...>: until the command succeeds
  local i
  for ((i = 0; i < $1; i++)); do
    "${@:3}" && return 0
    sleep "$2"
  done
  return 1
}
NS=${SMOKE_NAMESPACE:-default}
DEPLOY=kspan-smoke-$(date +%s)
OUT="$RUN_DIR/smoke"; mkdir -p "$OUT"
exec > >(tee "$OUT/smoke.log") 2>&1

log "creating deployment $NS/$DEPLOY (nginx:1.25, 2 replicas)"
k -n "$NS" create deployment "$DEPLOY" --image=nginx:1.25 --replicas=2 >/dev/null
check "rollout 1 complete" k -n "$NS" rollout status "deployment/$DEPLOY" --timeout=120s
log "rolling $DEPLOY to nginx:1.26"
k -n "$NS" set image "deployment/$DEPLOY" nginx=nginx:1.26 >/dev/null
check "rollout 2 complete" k -n "$NS" rollout status "deployment/$DEPLOY" --timeout=120s

pod_lines=''
two_new_pods_running() { # exactly 2 pods, all Running, all with the new image
  pod_lines=$(k -n "$NS" get pods -l "app=$DEPLOY" -o jsonpath='{range .items[*]}{.status.phase} {.spec.containers[0].image}{"\n"}{end}')
  [ "$(grep -c . <<<"$pod_lines")" = 2 ] && [ "$(grep -c '^Running nginx:1.26$' <<<"$pod_lines")" = 2 ]
}
pods_settled() { poll 120 0.5 two_new_pods_running || { echo "$pod_lines" >&2; return 1; }; }
check "2 Running pods with the new image, old pods gone" pods_settled
k -n "$NS" get pods -l "app=$DEPLOY" -o wide > "$OUT/pods.txt"

k get events -A -o wide --sort-by=.lastTimestamp > "$OUT/events.txt" 2>/dev/null || k get events -A -o wide > "$OUT/events.txt"
k -n "$NS" get events -o json > "$OUT/events.json"
event_listed() { # <reason> <source component>
  k -n "$NS" get events -o jsonpath='{range .items[*]}{.reason}|{.source.component}{.reportingComponent}|{.involvedObject.name}{"\n"}{end}' \
    | grep -q "^$1|[^|]*$2[^|]*|$DEPLOY"
}
has_event() { poll 20 0.5 event_listed "$@"; }
check "deployment-controller ScalingReplicaSet" has_event ScalingReplicaSet deployment-controller
check "replicaset-controller SuccessfulCreate" has_event SuccessfulCreate replicaset-controller
check "replicaset-controller SuccessfulDelete" has_event SuccessfulDelete replicaset-controller
check "default-scheduler Scheduled" has_event Scheduled default-scheduler
for r in Pulling Pulled Created Started Killing; do
  check "kwok $r" has_event "$r" kwok_controller
done

# Jaeger: OTLP/HTTP in, query API out
TRACE_ID=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'); SPAN_ID=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
NOW=$(date +%s%N)
jaeger_roundtrip() {
  local body
  body=$(printf '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"kspan-smoke"}}]},"scopeSpans":[{"scope":{"name":"smoke"},"spans":[{"traceId":"%s","spanId":"%s","name":"smoke-span","kind":1,"startTimeUnixNano":"%s","endTimeUnixNano":"%s"}]}]}]}' \
    "$TRACE_ID" "$SPAN_ID" "$NOW" "$((NOW + 1000000))")
  curl -fsS -X POST -H 'Content-Type: application/json' "$JAEGER_OTLP_HTTP/v1/traces" -d "$body" >/dev/null || return 1
  poll 40 0.25 jaeger_has_trace
}
jaeger_has_trace() {
  curl -fsS "$JAEGER_QUERY_URL/api/traces?service=kspan-smoke&lookback=1h" | grep -q "\"traceID\":\"$TRACE_ID\""
}
check "Jaeger OTLP/HTTP span readable via /api/traces" jaeger_roundtrip

ZTRACE=${TRACE_ID:0:16}; ZSPAN=$SPAN_ID
zipkin_roundtrip() {
  curl -fsS -X POST -H 'Content-Type: application/json' "$ZIPKIN_URL/api/v2/spans" \
    -d "[{\"traceId\":\"$ZTRACE\",\"id\":\"$ZSPAN\",\"name\":\"Smoke-Span\",\"timestamp\":$((NOW / 1000)),\"duration\":1000,\"localEndpoint\":{\"serviceName\":\"KSPAN-SMOKE\"}}]" \
    >/dev/null || return 1
  poll 40 0.25 zipkin_has_trace
}
zipkin_has_trace() { # Zipkin lowercases service and span names
  curl -fsS "$ZIPKIN_URL/api/v2/traces?serviceName=kspan-smoke" | grep -q "\"traceId\":\"$ZTRACE\".*\"name\":\"smoke-span\""
}
check "Zipkin /api/v2/spans span readable via /api/v2/traces" zipkin_roundtrip

if [ "${SMOKE_KEEP:-0}" != 1 ]; then
  k -n "$NS" delete deployment "$DEPLOY" --wait=true >/dev/null
  no_pods() { [ -z "$(k -n "$NS" get pods -l "app=$DEPLOY" -o name)" ]; }
  check "pods removed after deleting the deployment" poll 60 0.5 no_pods
fi
log "events: $OUT/events.txt"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
