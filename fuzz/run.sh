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

# The library is compiled once (coverage-instrumented, in parallel), then each target links it with its own driver.
objdir="$out/obj"
mkdir -p "$objdir"
lib_flags=("${flags[@]}")
lib_flags[3]=-fsanitize=fuzzer-no-link,address,undefined
objects=()
pids=()
echo "== building the ton library for fuzzing"
for src in "${sources[@]}"; do
    obj="$objdir/$(basename "$(dirname "$src")")_$(basename "${src%.cpp}").o"
    objects+=("$obj")
    "$cxx" "${lib_flags[@]}" -c "$src" -o "$obj" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do sleep 0.2; done
done
for pid in "${pids[@]}"; do wait "$pid"; done

for t in "${targets[@]}"; do
    echo "== building ${t}_fuzz"
    "$cxx" "${flags[@]}" "$root/fuzz/${t}_fuzz.cpp" "${objects[@]}" -lcrypto -lsodium -o "$out/${t}_fuzz"
done

for t in "${targets[@]}"; do
    corpus="$out/corpus/$t"
    mkdir -p "$corpus"
    echo "== running ${t}_fuzz for ${seconds}s"
    (cd "$out" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "./${t}_fuzz" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 -timeout=10 \
        -print_final_stats=1 "$corpus" "$root/fuzz/corpus/$t")
done
