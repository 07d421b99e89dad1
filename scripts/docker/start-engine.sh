#!/usr/bin/env bash
# Starts Debian's Docker engine (package docker.io) in the background when none answers; needs root.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "no Docker engine answers: start one as root with \`setsid dockerd >/tmp/dockerd.log 2>&1 &\`" >&2
  exit 1
fi
setsid dockerd >/tmp/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "dockerd did not answer within 30 s; its log: /tmp/dockerd.log" >&2
tail -5 /tmp/dockerd.log >&2
exit 1
