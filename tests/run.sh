#!/usr/bin/env bash
# Runs every test and prints "N passed, N failed, N skipped" as the last line.
#   tests/run.sh [BUILD_DIR] [PATTERN]
# Tests: compiled C tests $BUILD/tests/t*, Python tests tests/t*.py (venv .venv), shell tests
# tests/t*.sh. Each prints PASS/FAIL/SKIP lines (tests/tap.h); a test program that exits
# non-zero without printing FAIL counts as one failure. TCAD_TEST_WRAPPER (e.g. valgrind) wraps
# the C tests and the tcad binary used by shell tests.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
pattern=${2:-}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
py="$root/.venv/bin/python"; [ -x "$py" ] || py=python3
export TCAD_TEST_TMP=$(mktemp -d /tmp/tcad-test.XXXXXX)
export TCAD="$build/tcad" TCAD_ROOT="$root" TCAD_BUILD="$build" TCAD_PYTHON="$py"
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
wrapper=${TCAD_TEST_WRAPPER:-}
pass=0 fail=0 skip=0 failed_names=()

run_one() { # name, command...
  local name=$1; shift
  local log="$TCAD_TEST_TMP/$name.log"
  local t0=$(date +%s.%N)
  "$@" >"$log" 2>&1
  local rc=$?
  local t1=$(date +%s.%N)
  local p f s
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); s=$(grep -c '^SKIP ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "FAIL $name: exited with status $rc without reporting a failure" >>"$log"
  fi
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  printf '%-34s %3d passed %3d failed %3d skipped  (%.1fs)\n' "$name" "$p" "$f" "$s" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')"
  if [ "$f" -gt 0 ]; then
    failed_names+=("$name")
    grep -E '^FAIL ' "$log" | sed 's/^/    /'
    echo "    --- last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'
  fi
}

for t in "$build"/tests/t*; do
  [ -x "$t" ] || continue
  n=$(basename "$t"); [ -n "$pattern" ] && [[ "$n" != *$pattern* ]] && continue
  run_one "$n" $wrapper "$t"
done
for t in "$root"/tests/t*.py; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); [ -n "$pattern" ] && [[ "$n" != *$pattern* ]] && continue
  run_one "$n" "$py" "$t" "$build"
done
for t in "$root"/tests/t*.sh; do
  [ -f "$t" ] || continue
  n=$(basename "$t"); [ -n "$pattern" ] && [[ "$n" != *$pattern* ]] && continue
  run_one "$n" bash "$t"
done
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
rm -rf "$TCAD_TEST_TMP"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
