#!/usr/bin/env bash
# Starts the kspan e2e environment on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok (+ one fake node), Jaeger v2 and Zipkin. Builds missing peers first.
# Idempotent: peers that are already running and healthy are left alone.
# Writes everything under e2e/.run/ (logs/, pids/, cmd/, pki/, env). See e2e/README.md.
set -euo pipefail
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS_DIR/lib.sh"
UP_START=$(date +%s)

if [ "${KSPAN_E2E_SKIP_BUILD:-0}" != 1 ]; then
  bash "$SCRIPTS_DIR/build-peers.sh"
fi
for f in "$ETCD_BIN/etcd" "$K8S_BIN/kube-apiserver" "$K8S_BIN/kube-controller-manager" "$K8S_BIN/kube-scheduler" \
         "$K8S_BIN/kubectl" "$KWOK_BIN/kwok" "$JAEGER_BIN/jaeger" "$ZIPKIN_BIN/zipkin.jar"; do
  [ -e "$f" ] || die "missing $f: run e2e/scripts/build-peers.sh"
done
command -v java >/dev/null || die "java not found (needed for Zipkin)"

mkdir -p "$RUN_DIR" "$LOG_DIR" "$PID_DIR" "$CMD_DIR" "$PKI_DIR"
# One up/down/restart at a time. fd 9 is closed for the peers (see start_peer) so they don't hold the lock.
exec 9>"$RUN_DIR/.lock"
flock -w 900 9 || die "another up.sh/down.sh holds $RUN_DIR/.lock"

KUBECTL="$K8S_BIN/kubectl"
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ---------------------------------------------------------------- PKI + kubeconfig (kept across runs)
make_pki() {
  if [ -s "$PKI_DIR/ca.crt" ] && [ -s "$PKI_DIR/admin.crt" ] && [ -s "$PKI_DIR/admin.key" ] &&
     openssl x509 -checkend 86400 -noout -in "$PKI_DIR/admin.crt" >/dev/null 2>&1; then
    return 0
  fi
  log "creating PKI in $PKI_DIR"
  (
    cd "$PKI_DIR"
    rm -f ca.* admin.*
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=kspan-e2e-ca" >/dev/null 2>&1
    # one client+server certificate (O=system:masters) used by every component, as kwokctl does;
    # admin.key also signs service account tokens
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=kspan-e2e-admin" >/dev/null 2>&1
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth,clientAuth' \
      'subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1' \
      > admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile admin.ext -out admin.crt >/dev/null 2>&1
    chmod 600 ca.key admin.key
  )
}
make_pki
cat > "$KUBECONFIG_FILE" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: kspan-e2e
  cluster:
    server: $APISERVER_URL
    certificate-authority: $PKI_DIR/ca.crt
users:
- name: kspan-e2e-admin
  user:
    client-certificate: $PKI_DIR/admin.crt
    client-key: $PKI_DIR/admin.key
contexts:
- name: kspan-e2e
  context:
    cluster: kspan-e2e
    user: kspan-e2e-admin
    namespace: default
current-context: kspan-e2e
KUBECONFIG

# ---------------------------------------------------------------- peer configs
# kwok's config: only Stage documents. (A KwokConfiguration document in the file would skip kwok's
# defaulting: with "options: {}" kwok v0.8.0 exits with "node leases parallelism must be greater than 0".)
{
  for f in "$KWOK_BIN/stages/node-initialize.yaml" "$KWOK_BIN/stages/node-heartbeat-with-lease.yaml" \
           "$KWOK_BIN/stages/pod-complete.yaml" "$E2E_DIR/kwok/pod-start.yaml" "$E2E_DIR/kwok/pod-delete.yaml"; do
    [ -f "$f" ] || die "missing kwok stage $f"
    printf -- '---\n'; cat "$f"
  done
} > "$RUN_DIR/kwok.yaml"
cp "$E2E_DIR/config/jaeger.yaml" "$RUN_DIR/jaeger.yaml"

# ---------------------------------------------------------------- cmd/<peer>.sh
P="$PKI_DIR"
declare -A CMDS
CMDS[etcd]="$(printf '%q ' "$ETCD_BIN/etcd" --name=node0 --data-dir="$RUN_DIR/etcd-data" \
  --listen-client-urls="$ETCD_ENDPOINT" --advertise-client-urls="$ETCD_ENDPOINT" \
  --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
  --initial-cluster=node0=http://127.0.0.1:2380 --listen-metrics-urls= \
  --auto-compaction-retention=1 --quota-backend-bytes=8589934592 --unsafe-no-fsync=true)"
CMDS[kube-apiserver]="$(printf '%q ' "$K8S_BIN/kube-apiserver" \
  --etcd-servers="$ETCD_ENDPOINT" --etcd-prefix=/registry \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=6443 \
  --allow-privileged=true --endpoint-reconciler-type=none --authorization-mode=Node,RBAC \
  --service-cluster-ip-range=10.0.0.0/24 \
  --tls-cert-file="$P/admin.crt" --tls-private-key-file="$P/admin.key" --client-ca-file="$P/ca.crt" \
  --service-account-key-file="$P/admin.key" --service-account-signing-key-file="$P/admin.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --proxy-client-key-file="$P/admin.key" --proxy-client-cert-file="$P/admin.crt" \
  --requestheader-client-ca-file="$P/ca.crt" --requestheader-allowed-names=kspan-e2e-admin \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra-)"
CMDS[kube-controller-manager]="$(printf '%q ' "$K8S_BIN/kube-controller-manager" \
  --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
  --authorization-kubeconfig="$KUBECONFIG_FILE" \
  --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
  --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false \
  --root-ca-file="$P/ca.crt" --service-account-private-key-file="$P/admin.key" \
  --node-monitor-period=25s --node-monitor-grace-period=3m20s)"
CMDS[kube-scheduler]="$(printf '%q ' "$K8S_BIN/kube-scheduler" \
  --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
  --authorization-kubeconfig="$KUBECONFIG_FILE" \
  --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false)"
CMDS[kwok]="$(printf '%q ' "$KWOK_BIN/kwok" --kubeconfig="$KUBECONFIG_FILE" --config="$RUN_DIR/kwok.yaml" \
  --manage-all-nodes=true --node-lease-duration-seconds=200 \
  --server-address=127.0.0.1:10247 --node-ip=127.0.0.1 --node-port=10247 --cidr=10.244.0.1/16 \
  --tls-cert-file="$P/admin.crt" --tls-private-key-file="$P/admin.key")"
CMDS[jaeger]="$(printf '%q ' "$JAEGER_BIN/jaeger" --config="$RUN_DIR/jaeger.yaml")"
# Zipkin has no bind-address setting of its own; the Armeria port list is overridden to bind 127.0.0.1.
CMDS[zipkin]="$(printf '%q ' env STORAGE_TYPE=mem QUERY_PORT=9411 MEM_MAX_SPANS=500000 \
  java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dkspan.e2e.run="$RUN_DIR" \
  -jar "$ZIPKIN_BIN/zipkin.jar" '--armeria.ports[0].ip=127.0.0.1' '--armeria.ports[0].port=9411' \
  '--armeria.ports[0].protocols[0]=http')"

for peer in "${PEERS[@]}"; do
  f="$CMD_DIR/$peer.sh"
  cat > "$f.tmp" <<CMD
#!/usr/bin/env bash
# (Re)starts $peer for the kspan e2e environment: stops the running one (pid in $PID_DIR/$peer.pid),
# starts it again with the command line below, and waits until it is ready (unless --no-wait).
# Generated by e2e/scripts/up.sh; used by up.sh and restart-peer.sh.
set -euo pipefail
export KSPAN_E2E_RUN_DIR=$(printf '%q' "$RUN_DIR")
source $(printf '%q' "$SCRIPTS_DIR/lib.sh")
CMD=( ${CMDS[$peer]})
stop_peer $peer
start_peer $peer "\${CMD[@]}"
[ "\${1:-}" = --no-wait ] || wait_ready $peer
CMD
  chmod +x "$f.tmp"; mv "$f.tmp" "$f"
  printf '%s\n' "${CMDS[$peer]% }" > "$CMD_DIR/$peer.cmdline"
done

# ---------------------------------------------------------------- start
running_any=0
for peer in "${PEERS[@]}"; do peer_pid "$peer" >/dev/null && running_any=1; done
if [ "$running_any" = 0 ] && [ "${KSPAN_E2E_KEEP_DATA:-0}" != 1 ] && [ -d "$RUN_DIR/etcd-data" ]; then
  log "nothing running: starting from an empty etcd (set KSPAN_E2E_KEEP_DATA=1 to keep the old data)"
  rm -rf "$RUN_DIR/etcd-data"
fi

# ensure_peer <peer> [--no-wait]: start the peer unless it is already running and healthy.
ensure_peer() {
  local peer=$1 pid
  if pid=$(peer_pid "$peer"); then
    if peer_healthy "$peer"; then
      log "$peer already running (pid $pid) and healthy"
      return 0
    fi
    log "$peer running (pid $pid) but not healthy: restarting it"
  fi
  start_peer_cmd "$peer" "${@:2}"
}

# Zipkin (JVM) and Jaeger start in the background while the control plane comes up.
declare -A STARTED_NO_WAIT
for peer in zipkin jaeger; do
  if pid=$(peer_pid "$peer") && peer_healthy "$peer"; then
    log "$peer already running (pid $pid) and healthy"
  else
    STARTED_NO_WAIT[$peer]=$(date +%s); ensure_peer "$peer" --no-wait
  fi
done
for peer in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
  ensure_peer "$peer"
done

# the fake node
NODE_NAME=kwok-node-0
if ! kc get node "$NODE_NAME" >/dev/null 2>&1; then
  log "creating node $NODE_NAME"
  kc create -f "$E2E_DIR/kwok/node.yaml" >/dev/null
fi
kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=90s >/dev/null ||
  die "node $NODE_NAME not Ready after 90s; see $LOG_DIR/kwok.log"
log "node $NODE_NAME Ready"

# The ServiceAccount admission plugin rejects pods until the serviceaccount controller has created
# "default" in the namespace; wait for it in "default" so tests can create workloads right away.
for ((i = 0; i < 120; i++)); do
  kc -n default get serviceaccount default >/dev/null 2>&1 && break
  sleep 0.5
done
kc -n default get serviceaccount default >/dev/null 2>&1 ||
  die "ServiceAccount default/default not created after 60s; see $LOG_DIR/kube-controller-manager.log"
log "ServiceAccount default/default exists"

for peer in jaeger zipkin; do
  [ -n "${STARTED_NO_WAIT[$peer]:-}" ] || continue
  rc=0
  (wait_ready "$peer" "${STARTED_NO_WAIT[$peer]}") || rc=$?
  if [ "$rc" = "$DIED_AT_START" ]; then
    log "$peer died during start-up ($(peer_end "$peer")): starting it once more"
    start_peer_cmd "$peer"
  elif [ "$rc" != 0 ]; then
    exit "$rc"
  fi
done

# ---------------------------------------------------------------- env file
{
  echo "# kspan e2e environment, written by e2e/scripts/up.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  kv() { printf '%s=%q\n' "$1" "$2"; }
  kv KUBECONFIG "$KUBECONFIG_FILE"
  kv KUBECTL "$KUBECTL"
  kv APISERVER_URL "$APISERVER_URL"
  kv ETCD_ENDPOINT "$ETCD_ENDPOINT"
  kv JAEGER_OTLP_GRPC 127.0.0.1:4317
  kv JAEGER_OTLP_HTTP http://127.0.0.1:4318
  kv JAEGER_QUERY_URL http://127.0.0.1:16686
  kv ZIPKIN_URL http://127.0.0.1:9411
  kv KWOK_NODE_NAME "$NODE_NAME"
  kv KUBE_VERSION "$KUBE_VERSION"
  kv ETCD_BIN "$ETCD_BIN/etcd"
  kv ETCDCTL "$ETCD_BIN/etcdctl"
  kv KUBE_APISERVER_BIN "$K8S_BIN/kube-apiserver"
  kv KUBE_APISERVER_CMD "$CMD_DIR/kube-apiserver.sh"
  kv KUBE_APISERVER_CMDLINE "$CMD_DIR/kube-apiserver.cmdline"
  kv ETCD_CMD "$CMD_DIR/etcd.sh"
  kv E2E_RUN_DIR "$RUN_DIR"
  kv E2E_LOG_DIR "$LOG_DIR"
  kv E2E_PID_DIR "$PID_DIR"
  kv E2E_CMD_DIR "$CMD_DIR"
  kv E2E_RESTART_PEER "$SCRIPTS_DIR/restart-peer.sh"
  kv E2E_DOWN "$SCRIPTS_DIR/down.sh"
  kv HELM "$HELM_BIN/helm"
  kv CHROMIUM "$CHROMIUM_BIN/chromium"
  echo "export HELM CHROMIUM"
  echo "# so that 'source e2e/.run/env' also exports them (the lines above are plain KEY=value)"
  echo "export KUBECONFIG KUBECTL APISERVER_URL ETCD_ENDPOINT JAEGER_OTLP_GRPC JAEGER_OTLP_HTTP JAEGER_QUERY_URL ZIPKIN_URL KWOK_NODE_NAME KUBE_VERSION ETCD_BIN ETCDCTL KUBE_APISERVER_BIN KUBE_APISERVER_CMD KUBE_APISERVER_CMDLINE ETCD_CMD E2E_RUN_DIR E2E_LOG_DIR E2E_PID_DIR E2E_CMD_DIR E2E_RESTART_PEER E2E_DOWN"
} > "$RUN_DIR/env.tmp"
mv "$RUN_DIR/env.tmp" "$RUN_DIR/env"

log "kspan e2e environment up in $(( $(date +%s) - UP_START ))s: source $RUN_DIR/env"
