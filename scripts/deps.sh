#!/usr/bin/env bash
# Installs what building, running and testing Onton needs, from Debian bookworm's packages only.
# Usage: scripts/deps.sh [build|test|bench]   (each includes the ones before it). Needs root for apt-get.
set -euo pipefail

level=${1:-build}
packages=(g++ cmake ninja-build pkg-config git mold
          libboost1.74-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
          libsqlite3-dev libpq-dev libssl-dev libsodium-dev libcurl4-openssl-dev librabbitmq-dev)
case "$level" in
  build) ;;
  test) packages+=(libgtest-dev libgmock-dev googletest postgresql-15 chromium clang libclang-rt-14-dev rabbitmq-server) ;;
  bench) packages+=(libgtest-dev libgmock-dev googletest postgresql-15 chromium clang libclang-rt-14-dev rabbitmq-server
                    libbenchmark-dev nginx-light wrk) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# nginx-light's post-install tries to start a service; policy-rc.d keeps package scripts from starting daemons.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
