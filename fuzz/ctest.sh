#!/usr/bin/env bash
# The short fuzz session of every test run (CTest test TonFuzz.short, label fuzz): fuzz/run.sh for N seconds per
# target (default 20) into OUT. Exits 77, which CTest reports as skipped, when clang++-14 or its libFuzzer runtime
# (Debian clang, libclang-rt-14-dev; scripts/deps.sh test installs them) is missing.
#   fuzz/ctest.sh OUT [seconds]
set -euo pipefail

out="$1"
seconds="${2:-20}"
cxx="${CXX_FUZZ:-clang++-14}"
if ! command -v "$cxx" >/dev/null 2>&1; then
    echo "fuzz: $cxx is not installed: skipped"
    exit 77
fi
mkdir -p "$out"
probe="$out/probe"
if ! printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' |
    "$cxx" -x c++ -fsanitize=fuzzer - -o "$probe" >/dev/null 2>&1; then
    echo "fuzz: $cxx cannot link libFuzzer (libclang-rt-14-dev): skipped"
    exit 77
fi
FUZZ_OUT="$out" exec "$(dirname "$0")/run.sh" "$seconds"
