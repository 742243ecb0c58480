#!/usr/bin/env bash
# Builds llama.cpp's own llama-server from the exact source node-llama-cpp bundles (same commit as its prebuilt
# binaries) into a cache folder outside the repository, and prints the binary's path on stdout (last line).
# A cached build is reused; a missing one is built (about 6 minutes on 2 cores). The remote-engine conformance
# suite (src/models/openai-compatible/*.test.ts) finds the binary through this script's cache path or
# ALAMBIQUE_LLAMA_SERVER. Never committed, never shipped: it is a reference engine for tests and benches.
#   Usage: .ci/build-llama-server.sh [--print-path]   (--print-path: print where it would be, build nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=node_modules/node-llama-cpp/llama/gitRelease.bundle
if [ ! -f "$BUNDLE" ]; then
  echo "build-llama-server: $BUNDLE is missing; run npm install first" >&2
  exit 1
fi
COMMIT=$(git bundle list-heads "$BUNDLE" | awk '$2 == "HEAD" { print $1 }')
CACHE_ROOT=${ALAMBIQUE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/alambique}
DIR="$CACHE_ROOT/llama-server/$COMMIT"
BIN="$DIR/build/bin/llama-server"
if [ "${1:-}" = "--print-path" ]; then
  echo "$BIN"
  exit 0
fi
if [ -x "$BIN" ]; then
  echo "build-llama-server: cached build of llama.cpp $COMMIT" >&2
  echo "$BIN"
  exit 0
fi
START=$(date +%s)
mkdir -p "$DIR"
# A half-finished earlier build is restarted from its source (cmake resumes its own build folder).
if [ ! -d "$DIR/src/.git" ] && [ ! -f "$DIR/CMakeLists.txt" ]; then
  rm -rf "$DIR.tmp"
  git clone -q "$BUNDLE" "$DIR.tmp"
  cp -a "$DIR.tmp/." "$DIR/"
  rm -rf "$DIR.tmp"
fi
cmake -S "$DIR" -B "$DIR/build" -DLLAMA_CURL=OFF -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF >&2
cmake --build "$DIR/build" -j"$(nproc)" --target llama-server >&2
echo "build-llama-server: built llama.cpp $COMMIT in $(( $(date +%s) - START )) s" >&2
echo "$BIN"
