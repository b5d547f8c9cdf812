#!/usr/bin/env bash
# Installs what is missing, builds the release binary and runs the platform on its embedded default
# (SQLite in ./var, in-process queue and cache) at http://localhost:8080. Ctrl-C stops it gracefully.
#
# When no TON endpoint is configured (ONTON_TON_API_URL unset) it first starts the local TON chain,
# tools/ton-emulator (the real TVM from @ton/sandbox behind a toncenter v2 API) on 127.0.0.1:8081, with the
# platform wallet's mnemonic kept in var/ton-emulator/platform.mnemonic so that its address survives restarts
# (the chain's state does not: it lives in the emulator's memory). Participant wallets and a way to pay from
# them: curl http://127.0.0.1:8081/emulator/wallets (tools/ton-emulator/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release --target onton
mkdir -p var

# The web apps (web/: the site at /, the Mini App at /app/, the organizer panel at /panel/), served by onton serve
# from web/dist (ONTON_WEB_DIR). npm ci on the first run, then a build each run (a few seconds).
if [ -z "${ONTON_WEB_DIR:-}" ]; then
  command -v npm >/dev/null || { echo "the web apps need Node 20 and npm (npm not found)" >&2; exit 1; }
  if [ ! -d web/node_modules/.bin ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    echo "installing the web apps' node modules (npm ci in web/)"
    (cd web && npm ci --no-audit --no-fund)
  fi
  (cd web && npm run build --silent -- --logLevel warn)
fi

emulator_pid=""
onton_pid=""
stop_all() {
  [ -n "$onton_pid" ] && kill -TERM "$onton_pid" 2>/dev/null && wait "$onton_pid" 2>/dev/null
  [ -n "$emulator_pid" ] && kill -TERM "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  return 0
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ -z "${ONTON_TON_API_URL:-}" ]; then
  command -v node >/dev/null || { echo "the local TON chain needs Node 20 (node not found)" >&2; exit 1; }
  emu=tools/ton-emulator
  state=var/ton-emulator
  port=${ONTON_TON_EMULATOR_PORT:-8081}
  mkdir -p "$state"
  if [ ! -d "$emu/node_modules/@ton/sandbox" ] || [ "$emu/package-lock.json" -nt "$emu/node_modules/.package-lock.json" ]; then
    echo "installing the TON emulator's node modules (npm ci in $emu)"
    (cd "$emu" && npm ci --no-audit --no-fund)
  fi
  if [ -s "$state/platform.mnemonic" ]; then
    export TON_EMU_PLATFORM_MNEMONIC
    TON_EMU_PLATFORM_MNEMONIC=$(cat "$state/platform.mnemonic")
  fi
  node "$emu/src/server.js" --port "$port" >"$state/stdout" 2>"$state/stderr" &
  emulator_pid=$!
  for _ in $(seq 1 240); do
    grep -qx ready "$state/stdout" 2>/dev/null && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$state/stderr" >&2; echo "the TON emulator did not start" >&2; exit 1; }
    sleep 0.25
  done
  grep -qx ready "$state/stdout" || { echo "the TON emulator did not become ready" >&2; exit 1; }
  # Keep a generated platform mnemonic (owner-only) so that the next run has the same platform wallet.
  if [ ! -s "$state/platform.mnemonic" ] && grep -q '^platform-mnemonic ' "$state/stdout"; then
    (umask 077 && sed -n 's/^platform-mnemonic //p' "$state/stdout" >"$state/platform.mnemonic")
  fi
  platform=$(awk '$1 == "platform" { print $3; exit }' "$state/stdout")
  platform_version=$(awk '$1 == "platform" { print $2; exit }' "$state/stdout")
  export ONTON_TON_API_URL="http://127.0.0.1:$port/api/v2"
  export ONTON_PLATFORM_WALLET_ADDRESS="${ONTON_PLATFORM_WALLET_ADDRESS:-$platform}"
  export ONTON_PLATFORM_WALLET_VERSION="${ONTON_PLATFORM_WALLET_VERSION:-$platform_version}"
  # The platform signs its own messages (NFT deploys and mints) with the emulator wallet's keys: the words go
  # through a file, never the command line or the log.
  if [ -z "${ONTON_PLATFORM_WALLET_MNEMONIC:-}" ] && [ -s "$state/platform.mnemonic" ]; then
    export ONTON_PLATFORM_WALLET_KEY_FILE="${ONTON_PLATFORM_WALLET_KEY_FILE:-$PWD/$state/platform.mnemonic}"
  fi
  # USDT: the emulator's TEP-74 jetton plays it (its master is on the `jetton USDT` line).
  usdt_master=$(awk '$1 == "jetton" && $2 == "USDT" { print $4; exit }' "$state/stdout")
  if [ -n "$usdt_master" ]; then
    export ONTON_USDT_JETTON_MASTER="${ONTON_USDT_JETTON_MASTER:-$usdt_master}"
  fi
  echo "local TON chain (tools/ton-emulator) at $ONTON_TON_API_URL; platform wallet $platform; USDT jetton ${usdt_master:-none}"
fi

build/release/src/app/onton serve "$@" &
onton_pid=$!
wait "$onton_pid"
status=$?
onton_pid=""
exit "$status"
