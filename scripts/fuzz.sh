#!/usr/bin/env bash
# make fuzz [FUZZ_SECONDS=N]: build each libFuzzer harness of fuzz/ with clang, AddressSanitizer
# and UBSan, and run it for N seconds (default 60) from its corpus in fuzz/corpus/NAME plus the
# seeds it names (the examples' decks for the deck parser). A finding (crash, leak, timeout,
# out-of-memory) is written to $BUILD/fuzz/NAME/ and the target fails; add the input to
# fuzz/corpus/NAME and as a regression test. New coverage goes to $BUILD/fuzz/NAME/new/
# (merge it into the corpus with -merge=1 when it is worth keeping).
set -euo pipefail
secs=${1:-60}
build=${2:-build}
cd "$(dirname "$0")/.."
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null || { echo "make fuzz: $cc is missing (apt-get install clang)" >&2; exit 1; }
flags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -std=c17 -D_POSIX_C_SOURCE=200809L -Iinclude -I. $(pkg-config --cflags hdf5-openmpi yaml-0.1))
libs=($(pkg-config --libs hdf5-openmpi yaml-0.1) -lm)
# The harnesses build from core/, io/ and mesh/ alone (no PETSc): the deck parser (output.c only
# for the output names' checks), the Gmsh reader, and deck-to-mesh.
deck_src=(core/clock.c core/error.c core/fs.c io/deck*.c io/materials.c io/output*.c)
mesh_src=(core/error.c mesh/gmsh.c mesh/gmsh_build.c mesh/mesh.c mesh/reorder.c mesh/tuples.c mesh/geometry.c)
harnesses=${FUZZ_HARNESSES:-deck gmsh deckmesh}
status=0
for h in $harnesses; do
  out="$build/fuzz/$h"
  mkdir -p "$out/new" "fuzz/corpus/$h"
  case $h in
    deck) src=("${deck_src[@]}"); seeds=(examples); maxlen=8192 ;;
    gmsh) src=("${mesh_src[@]}"); seeds=(tests/data/errors tests/data/fuzz-gmsh); maxlen=32768 ;;
    deckmesh) src=("${deck_src[@]}" mesh/*.c); seeds=(examples fuzz/corpus/deck); maxlen=8192 ;;
    *) echo "make fuzz: no harness '$h' (deck, gmsh, deckmesh)" >&2; exit 2 ;;
  esac
  echo "fuzz: building $h"
  "$cc" "${flags[@]}" "fuzz/fuzz_$h.c" $(printf '%s\n' "${src[@]}" | sort -u) "${libs[@]}" -o "$out/fuzz_$h"
  echo "fuzz: $h for $secs s (corpus fuzz/corpus/$h, seeds ${seeds[*]:-none})"
  if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "./fuzz_$h" -max_total_time="$secs" -max_len=$maxlen -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -close_fd_mask=2 new "$OLDPWD/fuzz/corpus/$h" "${seeds[@]/#/$OLDPWD/}" 2>&1 | tee "run.log" |
        grep -E "^(Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)"); then
    :
  fi
  if ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* >/dev/null 2>&1; then
    echo "fuzz: $h FOUND inputs that fail: $(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null | tr '\n' ' ')" >&2
    status=1
  fi
done
exit $status
