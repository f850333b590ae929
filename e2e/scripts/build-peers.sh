#!/usr/bin/env bash
# Builds the e2e test peers from package registries into ~/.cache/kspan-e2e/<peer>-<version>/.
# A peer whose directory already holds a working binary of the right version is skipped.
#   etcd + etcdctl       go.etcd.io/etcd/{server,etcdctl}/v3     (Go module proxy)
#   kubernetes           k8s.io/kubernetes/cmd/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl}
#   kwok                 sigs.k8s.io/kwok/cmd/kwok
#   jaeger               github.com/jaegertracing/jaeger/cmd/jaeger (Jaeger v2)
#   zipkin               io.zipkin:zipkin-server:<ver>:jar:exec  (Maven Central)
#   helm                 helm.sh/helm/v3/cmd/helm (for the chart tests: lint, template)
#   otelcol              an OpenTelemetry Collector made by go.opentelemetry.io/collector/cmd/builder
#                        (the gateway test's peer: started by e2e/test/suite-gateway.test.ts, not by up.sh)
#   chromium             Debian's chromium, unpacked with the libraries this host lacks (apt-get download,
#                        not installed): the headless browser of e2e/test/suite-zipkin-ui.test.ts
# Usage: build-peers.sh [peer...]   (default: all)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
NICE=(nice -n 10)
SRC_DIR="$CACHE_DIR/src"          # scratch Go modules (kept: a rebuild reuses their go.sum)
TIMES_LOG="$CACHE_DIR/build-times.log"
mkdir -p "$CACHE_DIR" "$SRC_DIR"

# The gateway Collector. v0.140.0 (core v1.46.0, contrib v0.140.1) is the Collector that Jaeger
# v1.76.0 embeds, so its modules and compiled packages are already in the Go caches after the jaeger peer.
OTELCOL_VERSION="${KSPAN_E2E_OTELCOL_VERSION:-v0.140.0}"
OTELCOL_CONTRIB_VERSION="${KSPAN_E2E_OTELCOL_CONTRIB_VERSION:-v0.140.1}"
OTELCOL_BIN="$CACHE_DIR/otelcol-$OTELCOL_VERSION"

# ---------------------------------------------------------------- host prerequisites
ensure_debian_packages() {
  local missing=() cmd pkg
  for pair in curl:curl openssl:openssl pgrep:procps setsid:util-linux java:openjdk-17-jre-headless mvn:maven unzip:unzip; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing Debian packages (${missing[*]}) and not root: install them first"
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  command -v go >/dev/null 2>&1 || die "go is not installed (need Go >= 1.26; Debian's golang is too old)"
  local gov; gov=$(go env GOVERSION); gov=${gov#go}
  case "$gov" in 1.2[6-9]*|1.[3-9][0-9]*) ;; *) die "need Go >= 1.26 (kwok $KWOK_VERSION has 'go 1.26.0'), found go$gov";; esac
}

# ---------------------------------------------------------------- helpers
# go mod download -json prints one JSON object; pick a string field without needing jq/node.
gomod_field() { # <module@version> <Field>
  go mod download -json "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}$/\1/p" | head -n1
}

# Copy the "X => Y vZ" replace directives of a dependency's go.mod into the current scratch module
# (replace directives only apply in the main module). Local-path replaces (=> ./ or ../) are skipped.
mirror_version_replaces() { # <path to go.mod>
  local line
  while IFS= read -r line; do
    set -- $line
    # forms: "old => new ver" or "old ver => new ver"
    if [ "$2" = "=>" ] && [ $# -eq 4 ]; then go mod edit "-replace=$1=$3@$4"
    elif [ "$3" = "=>" ] && [ $# -eq 5 ]; then go mod edit "-replace=$1@$2=$4@$5"
    fi
  done < <(awk '
      /^replace[[:space:]]*\(/ {inblk=1; next}
      inblk && /^\)/ {inblk=0; next}
      inblk {print; next}
      /^replace[[:space:]]/ {sub(/^replace[[:space:]]+/, ""); print}' "$1" \
    | sed 's://.*$::' | grep -v '=>[[:space:]]*\.\{1,2\}/' | grep '=>' || true)
}

scratch_module() { # <dir> <module name>
  mkdir -p "$1"; cd "$1"
  if [ ! -f go.mod ]; then go mod init "$2" >/dev/null 2>&1; fi
}

TOTAL_START=$(date +%s)
record_time() { # <peer> <version> <seconds> <status>
  printf '%s\t%s\t%s\t%ss\t%s\n' "$(date '+%Y-%m-%dT%H:%M:%S')" "$1" "$2" "$3" "$4" >> "$TIMES_LOG"
}

# check_<peer> returns 0 when the cached build is complete and reports the expected version.
# (Output is captured first: `cmd | grep -q` can fail under pipefail when grep exits early.)
out_has() { # <extended regexp> <command...>
  local re=$1 out; shift
  out=$("$@" 2>/dev/null) || return 1
  grep -Eq -- "$re" <<<"$out"
}
check_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && [ -x "$ETCD_BIN/etcdctl" ] || return 1
  out_has "^etcd Version: ${ETCD_VERSION#v}\$" "$ETCD_BIN/etcd" --version &&
  out_has "^etcdctl version: ${ETCD_VERSION#v}\$" "$ETCD_BIN/etcdctl" version
}
check_kubernetes() {
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$K8S_BIN/$b" ] || return 1
    out_has "^Kubernetes $KUBE_VERSION\$" "$K8S_BIN/$b" --version || return 1
  done
  [ -x "$K8S_BIN/kubectl" ] && out_has "^Client Version: $KUBE_VERSION\$" "$K8S_BIN/kubectl" version --client
}
check_kwok() {
  [ -f "$KWOK_BIN/stages/node-initialize.yaml" ] && [ -f "$KWOK_BIN/stages/node-heartbeat-with-lease.yaml" ] &&
  [ -f "$KWOK_BIN/stages/pod-complete.yaml" ] &&
  [ -x "$KWOK_BIN/kwok" ] && out_has "${KWOK_VERSION#v}" "$KWOK_BIN/kwok" --version
}
check_jaeger() {
  [ -x "$JAEGER_BIN/jaeger" ] && out_has "\"gitVersion\": *\"$JAEGER_VERSION\"" "$JAEGER_BIN/jaeger" version
}
check_otelcol() {
  [ -x "$OTELCOL_BIN/otelcol-kspan" ] && out_has "version ${OTELCOL_VERSION#v}\$" "$OTELCOL_BIN/otelcol-kspan" --version
}
check_zipkin() {
  # the exec jar's manifest has no Implementation-Version; the bundled zipkin core jar carries it in its name
  [ -f "$ZIPKIN_BIN/zipkin.jar" ] && [ -f "$ZIPKIN_BIN/.built" ] &&
  out_has "BOOT-INF/lib/zipkin-${ZIPKIN_VERSION//./\\.}\\.jar" unzip -l "$ZIPKIN_BIN/zipkin.jar"
}
check_chromium() {
  local upstream=${CHROMIUM_VERSION%%-*}
  [ -x "$CHROMIUM_BIN/chromium" ] && out_has "^Chromium ${upstream//./\\.}( |\$)" "$CHROMIUM_BIN/chromium" --version
}
check_helm() {
  [ -x "$HELM_BIN/helm" ] && out_has "^$HELM_VERSION\$" "$HELM_BIN/helm" version --short --template '{{.Version}}'
}

# ---------------------------------------------------------------- builders (each writes into $OUT)
build_etcd() {
  scratch_module "$SRC_DIR/etcd-$ETCD_VERSION" local/etcdbuild
  # server/go.mod and etcdctl/go.mod replace sibling modules with ../ paths, so `go install mod@ver` is refused;
  # in a scratch module those replaces are ignored and the (real) required versions are used.
  "${NICE[@]}" go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION"
  "${NICE[@]}" go build -v -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3
  "${NICE[@]}" go build -v -trimpath -ldflags "-s -w" -o "$OUT/etcdctl" go.etcd.io/etcd/etcdctl/v3
}

build_kubernetes() {
  local minor staging gomod m g ld p date
  minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
  staging="v0.${KUBE_VERSION#v1.}"
  scratch_module "$SRC_DIR/kubernetes-$KUBE_VERSION" local/k8sbuild
  gomod=$(gomod_field "k8s.io/kubernetes@$KUBE_VERSION" GoMod)
  [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$KUBE_VERSION"
  # k8s.io/kubernetes requires every staging module at v0.0.0 and maps it to ./staging/src/...;
  # map each one to its published version instead (list derived from the release's own go.mod).
  local n=0
  for m in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => \./staging/src/.*|\1|p' "$gomod"); do
    go mod edit "-replace=$m=$m@$staging"; n=$((n + 1))
  done
  log "kubernetes: mapped $n staging modules to $staging"
  # keep the release's GODEBUG defaults (its go.mod says e.g. "godebug default=go1.24")
  for g in $(sed -n 's/^godebug[[:space:]]\{1,\}//p' "$gomod"); do go mod edit "-godebug=$g"; done
  "${NICE[@]}" go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBE_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@$KUBE_VERSION" "k8s.io/kubernetes/cmd/kubectl@$KUBE_VERSION"
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  # one `go build` for all four binaries shares the compile work
  # -v lists each compiled package in the build log, which the progress lines show
  "${NICE[@]}" go build -v -trimpath -ldflags "$ld" -o "$OUT/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_kwok() {
  # kwok's go.mod has no replace/exclude directives, so plain `go install` works.
  GOBIN="$OUT" "${NICE[@]}" go install -v -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # keep the upstream stages that up.sh puts into kwok's config (the module zip ships them)
  local src
  src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  mkdir -p "$OUT/stages"
  cp "$src/node/fast/node-initialize.yaml" "$src/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
     "$src/pod/fast/pod-complete.yaml" "$OUT/stages/"
  chmod u+w "$OUT/stages/"*.yaml
}

build_jaeger() {
  local gomod
  scratch_module "$SRC_DIR/jaeger-$JAEGER_VERSION" local/jaegerbuild
  gomod=$(gomod_field "github.com/jaegertracing/jaeger@$JAEGER_VERSION" GoMod)
  [ -f "$gomod" ] || die "could not download github.com/jaegertracing/jaeger@$JAEGER_VERSION"
  mirror_version_replaces "$gomod"      # e.g. github.com/Shopify/sarama => v1.33.0
  "${NICE[@]}" go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION"
  "${NICE[@]}" go build -v -trimpath \
    -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$JAEGER_VERSION -X github.com/jaegertracing/jaeger/internal/version.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -o "$OUT/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
}

build_zipkin() {
  # The local repository is passed explicitly: Maven derives "~" from the Java user.home (passwd entry),
  # not from $HOME, so the jar's path would otherwise be a guess.
  local repo="${KSPAN_E2E_M2_REPO:-$HOME/.m2/repository}"
  local jar="$repo/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  if [ ! -s "$jar" ]; then
    (cd "$OUT" && mvn -q --batch-mode -Dstyle.color=never -Dmaven.repo.local="$repo" \
       org.apache.maven.plugins:maven-dependency-plugin:3.10.0:get \
       -Dtransitive=false -DgroupId=io.zipkin -DartifactId=zipkin-server -Dversion="$ZIPKIN_VERSION" -Dclassifier=exec)
  fi
  cp "$jar" "$OUT/zipkin.jar"
}
build_helm() {
  # helm's version is a linker variable; without it `helm version` says v3.x-dev-ish defaults.
  GOBIN="$OUT" "${NICE[@]}" go install -v -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

build_otelcol() {
  # Only the components the gateway example uses: a small list keeps the build short.
  local dir="$SRC_DIR/otelcol-$OTELCOL_VERSION" core="go.opentelemetry.io/collector"
  local contrib="github.com/open-telemetry/opentelemetry-collector-contrib"
  mkdir -p "$dir"
  GOBIN="$dir/bin" "${NICE[@]}" go install -trimpath "$core/cmd/builder@$OTELCOL_VERSION"
  cat > "$dir/manifest.yaml" <<MANIFEST
dist:
  name: otelcol-kspan
  description: OpenTelemetry Collector gateway for the kspan e2e tests
  output_path: $dir/dist
  version: ${OTELCOL_VERSION#v}
receivers:
  - gomod: $core/receiver/otlpreceiver $OTELCOL_VERSION
processors:
  - gomod: $core/processor/batchprocessor $OTELCOL_VERSION
  - gomod: $contrib/processor/attributesprocessor $OTELCOL_CONTRIB_VERSION
exporters:
  - gomod: $core/exporter/otlpexporter $OTELCOL_VERSION
MANIFEST
  # the builder generates the sources, runs go mod tidy and compiles them (-trimpath, -s -w)
  "${NICE[@]}" "$dir/bin/builder" --config "$dir/manifest.yaml" --verbose
  cp "$dir/dist/otelcol-kspan" "$OUT/otelcol-kspan"
}

# Debian's chromium unpacked rather than installed, so the build needs no root once the .debs are
# fetched, lives in the cache like every other peer, and leaves the host's packages alone.
apt_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
apt_depends() { # <package[=version]>: its Pre-Depends and Depends, one group a line, without versions
  apt-cache show --no-all-versions "$1" | sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' | tr ',' '\n' |
    sed 's/([^)]*)//g; s/:any//g; s/^ *//; s/ *$//'
}
# chromium, chromium-common and, transitively, every shared-library package (lib*) they depend on that
# is not installed here. Or-groups are left out: chromium's only one is "libgtk-3-0 |
# xdg-desktop-portal-backend", the windowed browser's toolkit, which headless mode does not load; the
# other non-library dependencies (xdg-utils, x11-utils) are desktop integration. ldd checks the result.
chromium_packages() {
  local queue=("chromium=$CHROMIUM_VERSION") seen=' ' pkg group name
  while [ ${#queue[@]} -gt 0 ]; do
    pkg=${queue[0]}; queue=("${queue[@]:1}")
    echo "$pkg"
    while IFS= read -r group; do
      case "$group" in ''|*'|'*) continue ;; esac
      name=${group%% *}
      case "$name" in chromium-common) ;; lib*) ;; *) continue ;; esac
      [[ "$seen" == *" $name "* ]] && continue
      seen+="$name "
      apt_installed "$name" && continue
      [ "$name" = chromium-common ] && name+="=$CHROMIUM_VERSION"
      queue+=("$name")
    done < <(apt_depends "$pkg")
  done
}
build_chromium() {
  if ! apt-cache show "chromium=$CHROMIUM_VERSION" >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "chromium $CHROMIUM_VERSION is not in apt's lists and not root: run apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  if ! apt-cache show "chromium=$CHROMIUM_VERSION" >/dev/null 2>&1; then
    echo "chromium $CHROMIUM_VERSION is not in the apt sources (any more?); they offer:" \
      "$(apt-cache policy chromium | sed -n 's/^ *Candidate: //p')." \
      "Set KSPAN_E2E_CHROMIUM_VERSION to it, or change the default in e2e/scripts/lib.sh"
    return 1
  fi
  local pkgs debs="$OUT/debs" deb libdirs f missing
  mapfile -t pkgs < <(chromium_packages)
  echo "packages: ${pkgs[*]}"
  mkdir -p "$debs"
  (cd "$debs" && apt-get download "${pkgs[@]}")
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$OUT/root"; done
  rm -rf "$debs" "$OUT/root/usr/share/doc" "$OUT/root/usr/share/man" "$OUT/root/usr/share/lintian"
  # the directories holding the unpacked libraries, relative to the peer's directory
  libdirs=$(cd "$OUT" && find root -name '*.so*' ! -path 'root/usr/lib/chromium/*' -printf '%h\n' | sort -u |
    sed 's|^|$here/|' | paste -sd:)
  cat > "$OUT/chromium" <<WRAPPER
#!/bin/sh
# Debian's chromium $CHROMIUM_VERSION, unpacked by e2e/scripts/build-peers.sh: its libraries from here.
here=\$(dirname "\$(readlink -f "\$0")")
LD_LIBRARY_PATH="$libdirs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "\$here/root/usr/lib/chromium/chromium" "\$@"
WRAPPER
  chmod +x "$OUT/chromium"
  # every binary and library must resolve all its libraries
  missing=$(here=$OUT; export LD_LIBRARY_PATH="${libdirs//\$here/$OUT}:$OUT/root/usr/lib/chromium"
    find "$OUT/root" -type f \( -name '*.so*' -o -path '*/usr/lib/chromium/chromium' \) -print0 |
      xargs -0 -n1 sh -c 'ldd "$0" 2>/dev/null | sed -n "s|^[[:space:]]*\(.*\) => not found|$0: \1|p"' | sort -u)
  [ -z "$missing" ] || { echo "libraries not found after unpacking:"; echo "$missing"; return 1; }
}

# ---------------------------------------------------------------- driver
build_peer() { # <peer> <version> <dest dir>
  local peer=$1 version=$2 dest=$3 start secs rc=0 bpid last blog
  if "check_$peer"; then
    log "$peer $version: cached in $dest (version check passed), skipping"
    return 0
  fi
  mkdir -p "$CACHE_DIR/logs"
  blog="$CACHE_DIR/logs/build-$peer-$version.log"
  log "$peer $version: building into $dest (build log: $blog) ..."
  start=$(date +%s); last=$start
  OUT="$dest.tmp.$$"
  rm -rf "$OUT"; mkdir -p "$OUT"
  # A background subshell keeps `set -e` active inside the builder (it would be ignored under `if !`/`||`).
  ( "build_$peer" ) > "$blog" 2>&1 &
  bpid=$!
  while kill -0 "$bpid" 2>/dev/null; do
    sleep 2
    if (( $(date +%s) - last >= 60 )); then
      last=$(date +%s)
      log "$peer $version: still building ($(( last - start ))s): $(tail -n 1 "$blog" 2>/dev/null | cut -c1-100)"
    fi
  done
  wait "$bpid" || rc=$?
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -ne 0 ]; then
    record_time "$peer" "$version" "$secs" failed
    rm -rf "$OUT"
    log "---- last lines of $blog:" >&2; tail -n 40 "$blog" >&2 || true
    die "$peer $version: build failed after ${secs}s (exit $rc); full log: $blog"
  fi
  printf 'peer=%s\nversion=%s\nbuilt=%s\nbuild_seconds=%s\ngo=%s\n' \
    "$peer" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$secs" "$(go env GOVERSION)" > "$OUT/.built"
  rm -rf "$dest"; mv "$OUT" "$dest"
  "check_$peer" || die "$peer $version: built, but the version check failed (see $dest, $blog)"
  record_time "$peer" "$version" "$secs" ok
  log "$peer $version: done in ${secs}s"
}

ensure_debian_packages
wanted=("$@"); [ ${#wanted[@]} -gt 0 ] || wanted=(zipkin etcd kwok jaeger kubernetes helm otelcol chromium)
for peer in "${wanted[@]}"; do
  case "$peer" in
    etcd)       build_peer etcd "$ETCD_VERSION" "$ETCD_BIN" ;;
    kubernetes) build_peer kubernetes "$KUBE_VERSION" "$K8S_BIN" ;;
    kwok)       build_peer kwok "$KWOK_VERSION" "$KWOK_BIN" ;;
    jaeger)     build_peer jaeger "$JAEGER_VERSION" "$JAEGER_BIN" ;;
    zipkin)     build_peer zipkin "$ZIPKIN_VERSION" "$ZIPKIN_BIN" ;;
    helm)       build_peer helm "$HELM_VERSION" "$HELM_BIN" ;;
    otelcol)    build_peer otelcol "$OTELCOL_VERSION" "$OTELCOL_BIN" ;;
    chromium)   build_peer chromium "$CHROMIUM_VERSION" "$CHROMIUM_BIN" ;;
    *) die "unknown peer '$peer' (etcd kubernetes kwok jaeger zipkin helm otelcol chromium)" ;;
  esac
done
log "all peers ready in $CACHE_DIR ($(( $(date +%s) - TOTAL_START ))s)"
