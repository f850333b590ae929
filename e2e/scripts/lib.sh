# Shared settings for the kspan e2e scripts. Sourced, not executed.
# shellcheck shell=bash

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$E2E_DIR/.." && pwd)"

# Peer versions (override through the environment if needed).
KUBE_VERSION="${KSPAN_E2E_KUBE_VERSION:-v1.34.4}"
ETCD_VERSION="${KSPAN_E2E_ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KSPAN_E2E_KWOK_VERSION:-v0.8.0}"
JAEGER_VERSION="${KSPAN_E2E_JAEGER_VERSION:-v1.76.0}"
ZIPKIN_VERSION="${KSPAN_E2E_ZIPKIN_VERSION:-3.6.1}"

CACHE_DIR="${KSPAN_E2E_CACHE:-$HOME/.cache/kspan-e2e}"
K8S_BIN="$CACHE_DIR/kubernetes-$KUBE_VERSION"
ETCD_BIN="$CACHE_DIR/etcd-$ETCD_VERSION"
KWOK_BIN="$CACHE_DIR/kwok-$KWOK_VERSION"
JAEGER_BIN="$CACHE_DIR/jaeger-$JAEGER_VERSION"
ZIPKIN_BIN="$CACHE_DIR/zipkin-$ZIPKIN_VERSION"

RUN_DIR="${KSPAN_E2E_RUN_DIR:-$E2E_DIR/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
CMD_DIR="$RUN_DIR/cmd"
PKI_DIR="$RUN_DIR/pki"

# Start order; down.sh stops in reverse order.
PEERS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok jaeger zipkin)

log() { printf '[%s] %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }
