#!/usr/bin/env bash
# Runs every test and prints "N passed, N failed, N skipped" as the last line.
#   tests/run.sh [BUILD_DIR] [PATTERN...]
# Tests: compiled C tests $BUILD/tests/t*, Python tests tests/t*.py (venv .venv), shell tests
# tests/t*.sh. Each prints PASS/FAIL/SKIP lines (tests/tap.h); a test program that exits
# non-zero without printing FAIL counts as one failure. TCAD_TEST_WRAPPER (e.g. valgrind) wraps
# the C tests and the tcad binary used by shell tests. A PATTERN selects the tests whose name
# contains it (several: any of them); @backend names the backend-parameterized tests below, @gpu
# those plus t055 (host vs device physics functions).
#
# Backends: the backend-parameterized tests (the Jacobian, pn junction, MOS-C, diode dimension
# and energy-balance tests, t054's solves, the CLI's example runs) read TCAD_TEST_BACKEND=host|cuda
# and run every simulation on that backend, with one set of checks and tolerances for both; asked
# for cuda without a CUDA device, such a test prints one SKIP. Unset, they run on the host and,
# when a CUDA device is present, a second time on cuda (named "<test>[cuda]"). With
# TCAD_TEST_SKIP_IS_FAILURE=1 every SKIP counts as a failure and is listed with the failures.
# `make check-gpu` runs @gpu with TCAD_TEST_BACKEND=cuda TCAD_TEST_SKIP_IS_FAILURE=1: it cannot
# pass by skipping, so it fails on a machine without a GPU.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
patterns=("$@")
case "$build" in /*) ;; *) build="$root/$build" ;; esac
py="$root/.venv/bin/python"; [ -x "$py" ] || py=python3
export TCAD_TEST_TMP=$(mktemp -d /tmp/tcad-test.XXXXXX)
export TCAD="$build/tcad" TCAD_ROOT="$root" TCAD_BUILD="$build" TCAD_PYTHON="$py"
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
wrapper=${TCAD_TEST_WRAPPER:-}
skip_is_failure=${TCAD_TEST_SKIP_IS_FAILURE:-0}
pass=0 fail=0 skip=0 failed_names=()

# the tests that take TCAD_TEST_BACKEND (tests/device.h test_backend_init; t040 passes -tcad_backend)
backend_tests=(t040-cli.sh t050-dd-jacobian t051-pn-junction t052-moscap t053-diode-dims t054-backends
               t057-energy-balance)
gpu_tests=("${backend_tests[@]}" t055-gpu-physics)
in_list() { # name, list...
  local n=$1 x; shift
  for x in "$@"; do [ "$x" = "$n" ] && return 0; done
  return 1
}
selected() { # name
  [ ${#patterns[@]} -eq 0 ] && return 0
  local p
  for p in "${patterns[@]}"; do
    case "$p" in
      @backend) in_list "$1" "${backend_tests[@]}" && return 0 ;;
      @gpu) in_list "$1" "${gpu_tests[@]}" && return 0 ;;
      *) [[ "$1" == *$p* ]] && return 0 ;;
    esac
  done
  return 1
}

# The backends of the parameterized tests.
case "${TCAD_TEST_BACKEND-}" in
  host | cuda) backends=("$TCAD_TEST_BACKEND") ;;
  "")
    backends=(host)
    # the CLI names the default backend on its first line, before it reads the deck: "backend
    # cuda (" when a CUDA device is present
    probe=$("$TCAD" run "$TCAD_TEST_TMP/no-such-deck.yaml" 2>/dev/null | head -n1)
    if [[ "$probe" == *"backend cuda ("* ]]; then
      backends+=(cuda)
      echo "# ${probe#*: }: the backend-parameterized tests run on host, then on cuda"
    fi ;;
  *) echo "tests/run.sh: TCAD_TEST_BACKEND=$TCAD_TEST_BACKEND: use host or cuda" >&2; exit 2 ;;
esac

run_one() { # name, command...
  local name=$1; shift
  local log="$TCAD_TEST_TMP/${name//[^A-Za-z0-9._-]/_}.log"
  local t0=$(date +%s.%N)
  "$@" >"$log" 2>&1
  local rc=$?
  local t1=$(date +%s.%N)
  local p f s
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); s=$(grep -c '^SKIP ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "FAIL $name: exited with status $rc without reporting a failure" >>"$log"
  fi
  local skipped_as_failed=0 real_f=$f
  if [ "$skip_is_failure" = 1 ] && [ "$s" -gt 0 ]; then
    f=$((f + s)); s=0; skipped_as_failed=1
  fi
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  printf '%-34s %3d passed %3d failed %3d skipped  (%.1fs)\n' "$name" "$p" "$f" "$s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
  if [ "$f" -gt 0 ]; then
    failed_names+=("$name")
    grep -E '^FAIL ' "$log" | sed 's/^/    /'
    [ "$skipped_as_failed" = 1 ] && grep -E '^SKIP ' "$log" | sed 's/^/    /; s/$/  (a skip counts as a failure: TCAD_TEST_SKIP_IS_FAILURE=1)/'
    [ "$real_f" -gt 0 ] && { echo "    --- last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'; }
  fi
}

# run_test name command...: once, or once per backend for a backend-parameterized test
run_test() {
  local n=$1 b; shift
  if in_list "$n" "${backend_tests[@]}"; then
    for b in "${backends[@]}"; do
      if [ "$b" = cuda ]; then run_one "$n[cuda]" env TCAD_TEST_BACKEND=cuda "$@"
      else run_one "$n" env TCAD_TEST_BACKEND=host "$@"; fi
    done
  else
    run_one "$n" "$@"
  fi
}

for t in "$build"/tests/t*; do
  [ -x "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  run_test "$n" $wrapper "$t"
done
for t in "$root"/tests/t*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  run_test "$n" "$py" "$t" "$build"
done
for t in "$root"/tests/t*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  run_test "$n" bash "$t"
done
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
rm -rf "$TCAD_TEST_TMP"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
