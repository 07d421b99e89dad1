#!/bin/sh
# redis-server as the redis user; without a config file Redis would refuse other hosts (protected mode).
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no "$@"
fi
exec "$@"
