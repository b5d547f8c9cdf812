#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for N seconds (default 60).
#   fuzz/run.sh [seconds] [target...]     targets: boc address ton_proof message (default: all)
# The corpus grows in build/fuzz/corpus/<target> (seeded from fuzz/corpus/<target>); a crash leaves
# build/fuzz/crash-* which then belongs in a regression unit test (tests/unit/ton_*_test.cpp). FUZZ_OUT moves
# build/fuzz elsewhere (fuzz/ctest.sh uses the CMake build tree).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(boc address ton_proof message)
out="${FUZZ_OUT:-$root/build/fuzz}"
mkdir -p "$out"

cxx="${CXX_FUZZ:-clang++-14}"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
       -I"$root/src")
sources=("$root"/src/ton/*.cpp "$root"/src/ton/generated/*.cpp)

for t in "${targets[@]}"; do
    echo "== building ${t}_fuzz"
    "$cxx" "${flags[@]}" "$root/fuzz/${t}_fuzz.cpp" "${sources[@]}" -lcrypto -lsodium -o "$out/${t}_fuzz"
done

for t in "${targets[@]}"; do
    corpus="$out/corpus/$t"
    mkdir -p "$corpus"
    echo "== running ${t}_fuzz for ${seconds}s"
    (cd "$out" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "./${t}_fuzz" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 -timeout=10 \
        -print_final_stats=1 "$corpus" "$root/fuzz/corpus/$t")
done
