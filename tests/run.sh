#!/usr/bin/env bash
# Runs every test and prints "N passed, N failed, N skipped" as the last line.
#   tests/run.sh [BUILD_DIR] [PATTERN...]
# Tests: compiled C tests $BUILD/tests/t*, Python tests tests/t[0-9]*.py (venv .venv), shell tests
# tests/t[0-9]*.sh. Each prints PASS/FAIL/SKIP lines (tests/tap.h); a test program that exits
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

# Tests run in $jobs lanes at once (TCAD_TEST_JOBS, default: the number of cores, at most 4),
# the longest first; each prints its block when it ends. Every test has its own folder under
# $TCAD_TEST_TMP, so lanes share nothing but the cores (the kill and stop-at-a-line tests do
# not depend on timing, only on order). With more than one lane each tcad run gets one OpenMP
# thread (OMP_NUM_THREADS, unless set), so that lanes do not oversubscribe the cores.
jobs=${TCAD_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] 2>/dev/null && jobs=4
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -gt 1 ] && export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

run_one() { # index, name, command...: its block into $TCAD_TEST_TMP/res.INDEX, counts into cnt.INDEX
  local idx=$1 name=$2; shift 2
  local log="$TCAD_TEST_TMP/${name//[^A-Za-z0-9._-]/_}.log" res="$TCAD_TEST_TMP/res.$idx"
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
  {
    printf '%-34s %3d passed %3d failed %3d skipped  (%.1fs)\n' "$name" "$p" "$f" "$s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
    if [ "$f" -gt 0 ]; then
      grep -E '^FAIL ' "$log" | sed 's/^/    /'
      [ "$skipped_as_failed" = 1 ] && grep -E '^SKIP ' "$log" | sed 's/^/    /; s/$/  (a skip counts as a failure: TCAD_TEST_SKIP_IS_FAILURE=1)/'
      [ "$real_f" -gt 0 ] && { echo "    --- last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'; }
    fi
  } >"$res.tmp"
  echo "$p $f $s $name" >"$TCAD_TEST_TMP/cnt.$idx"
  mv "$res.tmp" "$res"
}

# The queue: name and command of every run (a backend-parameterized test once per backend).
qname=() qcmd=()
queue() { # name command...
  local n=$1 b; shift
  if in_list "$n" "${backend_tests[@]}"; then
    for b in "${backends[@]}"; do
      if [ "$b" = cuda ]; then qname+=("$n[cuda]"); qcmd+=("env TCAD_TEST_BACKEND=cuda $(printf '%q ' "$@")")
      else qname+=("$n"); qcmd+=("env TCAD_TEST_BACKEND=host $(printf '%q ' "$@")"); fi
    done
  else
    qname+=("$n"); qcmd+=("$(printf '%q ' "$@")")
  fi
}

for t in "$build"/tests/t*; do
  [ -x "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  queue "$n" $wrapper "$t"
done
# The CUDA host code on the CPU stand-in (tests/cuda-standin, built by make as $build/standin/tests):
# the GPU tests on the CUDA backend, named "<test>[standin]", and the stand-in's own checks.
# Where a real CUDA device is present they run too: they check the stand-in's plumbing checks.
for t in "$build"/standin/tests/t*; do
  [ -x "$t" ] && [ -f "$t" ] || continue
  n=$(basename "$t"); selected "$n" || selected "$n[standin]" || continue
  [ "$n" = t000-cuda-standin ] && { queue "$n" $wrapper "$t"; continue; }
  # the cuDSS stand-in, unless a real cuDSS is named
  cudss=${TCAD_CUDSS_LIB:-$build/standin/tests/libstandin_cudss.so}
  qname+=("$n[standin]"); qcmd+=("env TCAD_TEST_BACKEND=cuda TCAD_CUDSS_LIB=$(printf '%q' "$cudss") $(printf '%q ' $wrapper "$t")")
done
for t in "$root"/tests/t[0-9]*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  queue "$n" "$py" "$t" "$build"
done
for t in "$root"/tests/t[0-9]*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); selected "$n" || continue
  queue "$n" bash "$t"
done

# the longest first (measured, seconds on the 2-core CI machine), then the others in order
long=(t054-backends[standin] t040-cli.sh t071-gate-current.py t072-isub-peak-models.py t073-pmos-hot-carriers.py t056-krylov
      t069-substrate-current.py t057-energy-balance t054-backends t062-breakdown.py t068-resume.py)
order=()
for n in "${long[@]}"; do
  for i in "${!qname[@]}"; do [ "${qname[$i]%\[cuda\]}" = "$n" ] && ! in_list "$i" "${order[@]}" && order+=("$i"); done
done
for i in "${!qname[@]}"; do in_list "$i" "${order[@]}" || order+=("$i"); done

printed=()
print_done() { # print the blocks of the runs that ended
  local i
  for i in "${order[@]}"; do
    if [ -f "$TCAD_TEST_TMP/res.$i" ] && ! in_list "$i" "${printed[@]}"; then
      cat "$TCAD_TEST_TMP/res.$i"; printed+=("$i")
    fi
  done
}
running=0
for i in "${order[@]}"; do
  while [ "$running" -ge "$jobs" ]; do wait -n; running=$((running - 1)); print_done; done
  run_one "$i" "${qname[$i]}" bash -c "${qcmd[$i]}" &
  running=$((running + 1))
done
wait
print_done
for i in "${order[@]}"; do
  read -r p f s n <"$TCAD_TEST_TMP/cnt.$i" || { p=0 f=1 s=0 n="${qname[$i]}"; }
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  [ "$f" -gt 0 ] && failed_names+=("$n")
done
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
rm -rf "$TCAD_TEST_TMP"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
