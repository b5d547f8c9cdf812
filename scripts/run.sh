#!/usr/bin/env bash
# Installs what is missing, builds the release binary and runs the platform on its embedded default
# (SQLite in ./var, in-process queue and cache) at http://localhost:8080. Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release --target onton
mkdir -p var
exec build/release/src/app/onton serve "$@"
