# podman and buildah as they work on these hosts (sourced by image-build.sh and the e2e scripts):
# runc instead of crun (crun fails on hybrid cgroups), cgroupfs, and no default ulimits (the hard
# RLIMIT_NOFILE here is lower than podman's default, and setting it fails).
# shellcheck shell=bash
KSPAN_CONTAINERS_CONF="${KSPAN_CONTAINERS_CONF:-$HOME/.cache/kspan-image/containers.conf}"
if [ ! -f "$KSPAN_CONTAINERS_CONF" ]; then
  mkdir -p "$(dirname "$KSPAN_CONTAINERS_CONF")"
  printf '[containers]\ndefault_ulimits = []\n' >"$KSPAN_CONTAINERS_CONF"
fi
kspan_podman() { CONTAINERS_CONF="$KSPAN_CONTAINERS_CONF" podman --runtime runc --cgroup-manager cgroupfs "$@"; }
kspan_buildah() { CONTAINERS_CONF="$KSPAN_CONTAINERS_CONF" buildah "$@"; }
