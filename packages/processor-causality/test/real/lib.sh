# Helpers for a scenario's steps.sh (sourced by record.sh; NS, KUBECTL, KUBECONFIG are set).
# Steps type what a user would type; these only shorten it and wait for the cluster.

# kubectl in the scenario's namespace, and cluster-wide.
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG" -n "$NS" "$@"; }
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

log() { echo "[$(date +%T.%3N)] $*" >&2; }

# An extra KWOK-managed node (kwok runs with --manage-all-nodes, so any Node object becomes a fake
# kubelet). Named real-node-*; listed in $NODE_LIST, which record.sh deletes at the end (only
# this scenario's nodes: scenarios may be recorded side by side).
add_node() {
  local name=$1
  echo "$name" >>"$NODE_LIST"
  kc apply -f - <<YAML
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations: { node.alpha.kubernetes.io/ttl: '0', kwok.x-k8s.io/node: fake }
  labels: { kubernetes.io/hostname: $name, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok, kspan-real: '1' }
status:
  addresses: [{ type: InternalIP, address: 127.0.0.1 }, { type: Hostname, address: $name }]
  allocatable: { cpu: '32', memory: 256Gi, pods: '110' }
  capacity: { cpu: '32', memory: 256Gi, pods: '110' }
YAML
  kc wait --for=condition=Ready "node/$name" --timeout=60s >/dev/null
}

# Waits (up to $2 s, default 120) until `k get $1 -o jsonpath=$3` prints $4.
wait_for() {
  local what=$1 timeout=${5:-120} path=$2 want=$3
  local end=$((SECONDS + timeout))
  until [ "$(k get "$what" -o "jsonpath=$path" 2>/dev/null)" = "$want" ]; do
    [ $SECONDS -lt $end ] || { log "timed out waiting for $what $path = $want"; return 1; }
    sleep 1
  done
}

rollout() { k rollout status "$1" --timeout=180s >/dev/null; }

# StatefulSet db of $1 replicas (image registry.local/app:1, grace 1 s), as a user would apply it.
apply_statefulset_db() {
  k apply -f - <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: $1
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: app, image: registry.local/app:1 }] }
YAML
}

# For the recorders (record.sh, status/record.sh): starts `kspan capture` with config $1 into $2
# (its log in $3) in the background, pid in capture_pid, and returns once it lists and watches: the
# Nodes (cluster-scoped, always watched) have arrived; then a margin.
start_capture() {
  node "$repo/packages/kspan/dist/bin/kspan.js" capture --output "$2" --config "$1" 2>"$3" &
  capture_pid=$!
  until grep -q '"kind":"Node"' "$2" 2>/dev/null; do
    kill -0 "$capture_pid" || { cat "$3" >&2; exit 1; }
    sleep 0.3
  done
  sleep 2
}

# Waits (up to $1 s) until the namespace is quiet: no pod terminating, and its Events (uid, count)
# unchanged over 3 polls 3 s apart.
wait_settled() {
  log "waiting for the cluster to settle"
  local last='' same=0 end=$((SECONDS + $1)) now terminating
  while [ $same -lt 3 ]; do
    [ $SECONDS -lt $end ] || { log "did not settle; recording anyway"; break; }
    sleep 3
    now=$(k get events -o jsonpath='{range .items[*]}{.metadata.uid}:{.count}{"\n"}{end}' | sort | md5sum)
    terminating=$(k get pods -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}{end}')
    if [ "$now" = "$last" ] && [ -z "$terminating" ]; then same=$((same + 1)); else same=0; fi
    last=$now
  done
}
