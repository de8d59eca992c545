#!/usr/bin/env bash
# Runs the GPU test suite and benchmarks from a bundle made by scripts/gpu-bundle.sh (make
# gpu-bundle), on a machine that has the CUDA toolkit but no PETSc/HDF5/libyaml/OpenMPI (the
# device tool's GPU machine). Run from the repository root with the bundle at .gpu-bundle/:
#   bash .gpu-bundle/run-gpu.sh [OUTDIR]        (default: $OUT if set, else ./gpu-results)
# It unpacks the bundled .debs into a private prefix (TCAD_RT_PREFIX, default /tmp/tcad-rt; never
# /), points LD_LIBRARY_PATH and OpenMPI/PMIx at it, checks where the libraries come from
# (sanity.txt; GPU_RUN_SANITY=0: only nvidia-smi -L, for a later call on a warm machine), then runs
# these phases, each under a time limit so that the whole stays inside GPU_RUN_BUDGET_S (default
# 540 s; the device tool stops a command at 600):
#   gpu-tests  the tests that use the CUDA backend and the backend-parameterized ones, on CUDA,
#              side by side (GPU_TEST_JOBS, default 8), the GPU-physics, backend and linear-solver
#              tests first; each under GPU_TEST_TIMEOUT_S (150); whole outputs kept; a SKIP is a
#              failure; GPU_TESTS="t058 ..." runs only those               -> tests.log
#   memcheck   compute-sanitizer memcheck on the GPU physics test, a small assembly benchmark (DD
#              and energy balance) and a small linear benchmark (device solvers), side by side
#                                                                           -> memcheck.log
#   assembly   bench_assembly host vs device (BENCH_ASSEMBLY_NODES, default 1e5 1e6), DD and EB
#   linear     bench/run.sh linear part: every solver at 1e5 nodes (DD, EB) with the all-cores
#              CPU baseline, a cuDSS / device-ILU probe at 1e6 (BENCH_LINEAR_NODES, _MODELS,
#              _REPEAT, _PROBE_*)                                           -> linear.md
#   sweep      bench/run.sh drift-diffusion part: the MOSFET Id-Vd sweep per solver setup (host +
#              MUMPS, device + MUMPS, device + ILU-BiCGSTAB, device + cuDSS when staged) on
#              BENCH_DD_SCALES "ref" + the meshes pre-made in the bundle (there is no gmsh there;
#              bin/gmsh replays them)                                       -> bench.log, dd.md
#   tests      tests/run.sh with the bundled binaries (the whole suite; not in the default list)
#   geometry   bench/run.sh mesh load + geometry part (not in the default list)
# GPU_RUN="gpu-tests memcheck assembly linear sweep" picks and orders them; TCAD_TEST_PATTERN
# narrows the suite; GPU_RUN_TIMEOUT_GPU_TESTS/_MEMCHECK/_ASSEMBLY/_LINEAR/_SWEEP/_TESTS/_GEOMETRY
# (s) cap each phase. At most 8 files go to OUTDIR: summary.txt sanity.txt tests.log bench.log
# memcheck.log dd.md linear.md bench-results.tar.gz (all of bench/results/). bench/run.sh writes
# bench/results/ of this tree (a throwaway copy on the GPU machine). Exit status 0 when every phase
# passed. cuDSS: scripts/cudss-stage.sh in earlier calls (docs/gpu.md).
set -uo pipefail
t_start=$(date +%s)
bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bundle/.." && pwd)
cd "$root"
out=${1:-${OUT:-$root/gpu-results}}
mkdir -p "$out"; out=$(cd "$out" && pwd)
prefix=${TCAD_RT_PREFIX:-/tmp/tcad-rt}
phases=${GPU_RUN:-gpu-tests memcheck assembly linear sweep}
budget=${GPU_RUN_BUDGET_S:-540}
build="$prefix/build"
say() { echo "run-gpu: $*" >&2; }
[ -f "$bundle/build.tar.xz" ] || { say "no $bundle/build.tar.xz: build the bundle first (make gpu-bundle)"; exit 2; }
case "$prefix" in /|/usr|/usr/*|/lib*|/etc*|/bin*|/opt) say "TCAD_RT_PREFIX=$prefix: refusing to unpack over the system"; exit 2 ;; esac

# 1. Unpack the runtime packages (again only when the bundle's package list changed).
if ! cmp -s "$bundle/packages.txt" "$prefix/.tcad-packages.txt" 2>/dev/null; then
  rm -rf "$prefix"; mkdir -p "$prefix"
  for d in "$bundle"/debs/*.deb; do
    dpkg-deb -x "$d" "$prefix" || { say "cannot unpack $d"; exit 3; }
  done
  # Debian reaches libblas.so.3 / liblapack.so.3 / libopenblas.so.0 through /etc/alternatives
  # symlinks made by postinst, which dpkg-deb -x does not run: point them at the implementation
  # that was in use when the bundle was built, inside the prefix.
  while read -r link target; do
    [ -n "$link" ] || continue
    [ -e "$prefix/$target" ] || { say "alternative target missing: $target"; continue; }
    mkdir -p "$(dirname "$prefix/$link")"; ln -sfn "$prefix/$target" "$prefix/$link"
  done < "$bundle/alternatives.txt"
  cp "$bundle/packages.txt" "$prefix/.tcad-packages.txt"
fi
rm -rf "$build"; tar -xJf "$bundle/build.tar.xz" -C "$prefix" || { say "cannot unpack build.tar.xz"; exit 3; }

# 2. Environment: the prefix's library folders first (lib/ too: some packages still ship /lib).
ldp=""
while read -r d; do
  for v in "$prefix/$d" "$prefix/${d#usr/}"; do
    [ -d "$v" ] && [[ ":$ldp:" != *":$v:"* ]] && ldp="${ldp:+$ldp:}$v"
  done
done < "$bundle/libdirs.txt"
export LD_LIBRARY_PATH="$ldp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ldd "$build/tcad" | grep 'libcudart.*not found' >/dev/null; then  # CUDA away from the linked rpath
  for c in "$(dirname "$(command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)")/../lib64" /usr/local/cuda/lib64; do
    [ -d "$c" ] && { LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$(cd "$c" && pwd)"; break; }
  done
fi
# cuDSS (-tcad_linear cudss, and the Krylov pipeline's fallback), when scripts/cudss-stage.sh
# put it together here from the parts carried by earlier calls; it needs CUDA's libnvrtc/libcublas.
stage=${TCAD_CUDSS_STAGE:-/tmp/tcad-cudss}
if [ -z "${TCAD_CUDSS_LIB:-}" ] && [ -f "$stage/libcudss.so.1" ]; then export TCAD_CUDSS_LIB="$stage/libcudss.so.1"; fi
if [ -n "${TCAD_CUDSS_LIB:-}" ]; then
  for c in "$(dirname "$(command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)")/../lib64" /usr/local/cuda/lib64; do
    [ -d "$c" ] && { LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$(cd "$c" && pwd)"; break; }
  done
fi
# OpenMPI and PMIx find their plugins, help texts and settings relative to these prefixes.
export OPAL_PREFIX="$prefix/usr" PMIX_INSTALL_PREFIX="$prefix/usr/lib/x86_64-linux-gnu/pmix2"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Debian's /etc/openmpi/openmpi-mca-params.conf (not relocated, and absent there), and a
# singleton without the orted daemon (not bundled; one process needs none).
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_mtl='^ofi' OMPI_MCA_btl='^uct,openib,ofi' \
  OMPI_MCA_pml='^ucx' OMPI_MCA_osc='^ucx,pt2pt' OMPI_MCA_ess_singleton_isolated=1
# hwloc's plugins (not bundled) only from the prefix, never from the system's hwloc folder
export HWLOC_PLUGINS_PATH="$prefix/usr/lib/x86_64-linux-gnu/hwloc"
# the bundled programs (mpirun for the linear bench's all-cores CPU baseline)
[ -d "$prefix/usr/bin" ] && export PATH="$prefix/usr/bin:$PATH"
# the gmsh stand-in, only where no real gmsh comes first (GPU_RUN_GMSH=replay: always)
if [ "${GPU_RUN_GMSH:-}" = replay ]; then export PATH="$bundle/bin:$PATH"; else export PATH="$PATH:$bundle/bin"; fi

# 3. Sanity: the machine, and where every library of the binaries comes from.
if [ "${GPU_RUN_SANITY:-1}" = 0 ]; then
  { echo "== nvidia-smi -L"; nvidia-smi -L 2>&1; echo "== cuDSS: ${TCAD_CUDSS_LIB:-none staged}"; } > "$out/sanity.txt"
else
{
  echo "== run-gpu $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}"), $(nproc) cores"
  echo "== bundle"; cat "$bundle/info.txt"; echo "packages: $(wc -l < "$bundle/packages.txt") ($prefix)"
  echo "== nvidia-smi"; nvidia-smi 2>&1 || echo "(nvidia-smi failed)"
  echo "== nvcc"; (command -v nvcc >/dev/null && nvcc --version | tail -n2) || echo "(no nvcc on PATH)"
  echo "== environment"; env | grep -E '^(LD_LIBRARY_PATH|OPAL_PREFIX|PMIX_INSTALL_PREFIX|OMPI_|HWLOC_)' | sort
  echo "== ldd $build/tcad"; ldd "$build/tcad"
  echo "== resolution over all bundled binaries (prefix / CUDA / system / not found)"
  for b in "$build/tcad" "$build"/tests/t* "$build"/bench/*; do ldd "$b"; done | sort -u | awk -v p="$prefix/" '
    /not found/ {nf[$1]=1; next}
    $2 == "=>" && $3 ~ /^\// { if (index($3, p) == 1) np++; else if ($3 ~ /cuda/) cu[$3]=1; else sys[$3]=1 }
    END { printf "from the prefix: %d\n", np; for (k in cu) print "CUDA:      " k; for (k in sys) print "system:    " k; for (k in nf) print "NOT FOUND: " k }'
  echo "== cuDSS: ${TCAD_CUDSS_LIB:-none staged (scripts/cudss-stage.sh)}"
  [ -n "${TCAD_CUDSS_LIB:-}" ] && ldd "$TCAD_CUDSS_LIB" | grep -E "not found|cublas|nvrtc"
  echo "== tcad --version"; "$build/tcad" --version 2>&1
  # A smoke run (PETSc, MPI, HDF5, libyaml, CUDA query) under LD_DEBUG: every shared object
  # it initialises, dlopened plugins included, that does not come from the prefix.
  smoke=$(mktemp -d /tmp/tcad-smoke.XXXXXX)
  echo "== smoke: tcad run examples/pn1d.yaml"
  LD_DEBUG=libs LD_DEBUG_OUTPUT="$smoke/ld" "$build/tcad" run examples/pn1d.yaml -o "$smoke/out" > "$smoke/log" 2>&1
  echo "exit $? ; $(tail -n1 "$smoke/log")"
  echo "objects loaded at run time: $(cat "$smoke"/ld.* 2>/dev/null | grep -c 'calling init:'), from outside the prefix:"
  cat "$smoke"/ld.* 2>/dev/null | awk '/calling init:/ {print $NF}' | sort -u | grep -v "^$prefix/" | sed 's/^/  /'
  rm -rf "$smoke"
} > "$out/sanity.txt" 2>&1
fi
say "sanity: $(grep -A1 '^== tcad --version' "$out/sanity.txt" | tail -n1); $(grep '^from the prefix' "$out/sanity.txt"); smoke run $(grep -A1 '^== smoke' "$out/sanity.txt" | tail -n1 | cut -d';' -f1)"
grep -q '^NOT FOUND' "$out/sanity.txt" && say "some libraries are not found: see sanity.txt"

# 4. The phases, in order of interest for GPU work, each under its share of the budget.
status=()
remaining() { echo $((budget - ($(date +%s) - t_start))); }
phase() { # name cap command...
  local name=$1 cap=$2; shift 2
  local left; left=$(($(remaining) - 15))
  [ "$left" -lt "$cap" ] && cap=$left
  if [ "$cap" -lt 20 ]; then status+=("$name: skipped (time budget)"); say "$name: skipped, budget spent"; return; fi
  say "$name (at most ${cap}s)"
  local t0=$(date +%s) rc
  timeout -k 10 "$cap" "$@"; rc=$?
  local how="ok"; [ $rc -ne 0 ] && how="exit $rc"; [ $rc -eq 124 ] || [ $rc -eq 137 ] && how="TIMED OUT after ${cap}s"
  status+=("$name: $how ($(( $(date +%s) - t0 ))s)")
}
# The tests that use the CUDA backend and the backend-parameterized ones, on the CUDA backend, run
# on their own with their whole output kept (which device, which GPU checks ran or were skipped
# and why); tests/run.sh keeps only failures' logs. A SKIP here is a failure (make check-gpu).
gpu_tests() {
  local t b list=() first="t055 t001 t054 t058 t063" jobs=${GPU_TEST_JOBS:-8} cap=${GPU_TEST_TIMEOUT_S:-120}
  for t in ${GPU_TESTS:-$first}; do list+=($(ls tests/$t-*.c 2>/dev/null)); done
  [ -n "${GPU_TESTS:-}" ] || for t in tests/t*.c; do
    grep -qE 'kernels/cuda\.h|TcadCuda|tcad_cuda|test_backend_init' "$t" || continue
    [[ " ${list[*]} " == *" $t "* ]] || list+=("$t")
  done
  # Each test's whole output streams into bench/results/tests/ (packed into bench-results.tar.gz
  # even when the phase is stopped at its cap) and is appended to the log once the test ends.
  # Two OpenMP threads per test: eight tests side by side must not oversubscribe 16 cores.
  local dir=bench/results/tests; mkdir -p "$dir"
  for t in "${list[@]}"; do b="$build/tests/$(basename "$t" .c)"; [ -x "$b" ] && echo "$b"; done |
    OMP_NUM_THREADS=${GPU_TEST_THREADS:-2} xargs -P "$jobs" -I{} bash -c 'n=$(basename {}); s=$(date +%s)
      TCAD_TEST_BACKEND=cuda timeout -k 5 '"$cap"' {} > '"$dir"'/$n.log 2>&1; r=$?
      [ $r = 0 ] && grep -q "^SKIP " '"$dir"'/$n.log && r=99; echo "$r" > '"$dir"'/$n.rc
      how="exit $r"; [ $r = 99 ] && how="passed with skipped checks (a failure here)"; [ $r = 124 ] && how="TIMED OUT"
      { echo "=== $n (full output, TCAD_TEST_BACKEND=cuda): $how, $(( $(date +%s) - s ))s"; cat '"$dir"'/$n.log; } |
        flock '"$dir"'/.lock tee -a "$out/tests.log" > /dev/null
      echo "gpu-tests: $n $how ($(( $(date +%s) - s ))s)" >&2'
  local rc=0
  for t in "${list[@]}"; do
    b=$(basename "$t" .c); [ -x "$build/tests/$b" ] || continue
    [ "$(cat "$dir/$b.rc" 2>/dev/null)" = 0 ] || rc=1
  done
  return $rc
}
# compute-sanitizer memcheck on small cases of every device code path (physics, assembly, linear)
memcheck() {
  local cs; cs=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
  [ -n "$cs" ] || { echo "memcheck: no compute-sanitizer"; return 1; }
  local d=bench/results/memcheck; mkdir -p "$d"   # streamed there: packed even when the phase is stopped
  local cfg=(--config "gpu-ilu0-bicgstab:rowcol:gpu-bicgstab:" --config "gpu-ilu0-gmres30:rowcol:gpu-gmres:-ksp_gmres_restart 30")
  [ -n "${TCAD_CUDSS_LIB:-}" ] && cfg+=(--config "gpu-cudss:rowcol:gpu-cudss:")
  local lin=ilu-bicgstab; [ -n "${TCAD_CUDSS_LIB:-}" ] && lin=cudss
  TCAD_TEST_BACKEND=cuda "$cs" --tool memcheck --leak-check full --error-exitcode 9 "$build/tests/t055-gpu-physics" > "$d/t055.log" 2>&1 &
  BENCH_REPEAT=1 "$cs" --tool memcheck --error-exitcode 9 "$build/bench/bench_assembly" 20000 > "$d/assembly-dd.log" 2>&1 &
  BENCH_REPEAT=1 "$cs" --tool memcheck --error-exitcode 9 "$build/bench/bench_assembly" --eb 20000 > "$d/assembly-eb.log" 2>&1 &
  "$cs" --tool memcheck --error-exitcode 9 "$build/bench/bench_linear" -q examples/mosfet2d-gen.yaml --vd 0.5 --vg 1.0 \
    --repeat 1 "${cfg[@]}" -tcad_backend cuda -tcad_linear "$lin" > "$d/linear.log" 2>&1 &
  local rc=0 r
  for j in $(jobs -p); do wait "$j"; r=$?; [ $r -eq 0 ] || rc=1; done
  for f in t055 assembly-dd assembly-eb linear; do echo "=== $f"; cat "$d/$f.log"; done
  return $rc
}
# The whole suite once, the parameterized tests on the CUDA backend (CI runs them on the host).
suite() {
  echo "=== tests/run.sh $build ${TCAD_TEST_PATTERN:-} (TCAD_TEST_BACKEND=cuda)"
  TCAD_TEST_BACKEND=cuda bash tests/run.sh "$build" ${TCAD_TEST_PATTERN:-}
}
# bench_assembly (host serial / OpenMP / device assembly against the bandwidth floor) is a bench
# program that bench/run.sh does not run.
assembly() {
  mkdir -p bench/results
  "$build/bench/bench_assembly" ${BENCH_ASSEMBLY_NODES:-100000 1000000} > bench/results/assembly.csv
  local rc=$?
  "$build/bench/bench_assembly" --eb ${BENCH_ASSEMBLY_NODES:-100000 1000000} | tail -n +2 >> bench/results/assembly.csv
  [ "${PIPESTATUS[0]}" = 0 ] || rc=1
  cat bench/results/assembly.csv; return $rc
}
export -f gpu_tests memcheck suite assembly; export build out
logged() { # log command...: the command's output to the terminal and appended to the log
  local log=$1; shift
  "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"
}
export -f logged
replayed=$(cut -d' ' -f3- "$bundle/meshes/index.txt" 2>/dev/null | sed -n 's/.*-clscale \([0-9.]*\).*/\1/p' | tr '\n' ' ')
rm -f "$out/tests.log" "$out/bench.log" "$out/memcheck.log"
for p in $phases; do
  case "$p" in
    gpu-tests) phase gpu-tests "${GPU_RUN_TIMEOUT_GPU_TESTS:-150}" bash -c 'gpu_tests' ;;
    memcheck) phase memcheck "${GPU_RUN_TIMEOUT_MEMCHECK:-120}" bash -c 'logged "$out/memcheck.log" memcheck' ;;
    tests) phase tests "${GPU_RUN_TIMEOUT_TESTS:-300}" bash -c 'logged "$out/tests.log" suite' ;;
    assembly)
      if [ -x "$build/bench/bench_assembly" ]; then
        rm -f bench/results/assembly.csv
        phase bench-assembly "${GPU_RUN_TIMEOUT_ASSEMBLY:-90}" bash -c 'logged "$out/bench.log" assembly'
      fi ;;
    linear)
      phase bench-linear "${GPU_RUN_TIMEOUT_LINEAR:-240}" env BENCH_ONLY=linear \
        BENCH_LINEAR_NODES="${BENCH_LINEAR_NODES:-100000 1000000}" BENCH_LINEAR_REPEAT="${BENCH_LINEAR_REPEAT:-2}" \
        bash -c "logged '$out/bench.log' bash bench/run.sh '$build'" ;;
    sweep|dd)
      phase bench-sweep "${GPU_RUN_TIMEOUT_SWEEP:-${GPU_RUN_TIMEOUT_DD:-180}}" env BENCH_ONLY=dd \
        BENCH_DD_SCALES="${BENCH_DD_SCALES:-ref $replayed}" bash -c "logged '$out/bench.log' bash bench/run.sh '$build'" ;;
    geometry)
      phase bench-geometry "${GPU_RUN_TIMEOUT_GEOMETRY:-60}" env BENCH_ONLY=geometry \
        bash -c "logged '$out/bench.log' bash bench/run.sh '$build'" ;;
    *) say "unknown phase '$p' (gpu-tests, memcheck, assembly, linear, sweep, tests, geometry)"; status+=("$p: unknown") ;;
  esac
done

# 5. Results (the device tool returns at most 8 files; this writes at most 8).
if [ -d bench/results ] && [ -n "$(ls bench/results 2>/dev/null)" ]; then
  for f in dd.md linear.md; do [ -s "bench/results/$f" ] && cp "bench/results/$f" "$out/"; done
  tar -czf "$out/bench-results.tar.gz" -C bench results
fi
{
  echo "run-gpu on $(hostname): $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n1 || echo 'no GPU')"
  echo "bundle: $(head -n2 "$bundle/info.txt" | tr '\n' ' ')"
  printf '%s\n' "${status[@]}"
  if [ -f "$out/tests.log" ]; then
    echo; echo "tests: $(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out/tests.log" | tail -n1 || echo '(the suite did not finish)')"
    grep -E '^(failed: |FAIL )' "$out/tests.log" | head -n 20
    grep -E '^SKIP ' "$out/tests.log" | head -n 20
  fi
  [ -s bench/results/assembly.csv ] && { echo; echo "bench_assembly:"; cat bench/results/assembly.csv; }
  [ -f "$out/dd.md" ] && { echo; cat "$out/dd.md"; }
  [ -f "$out/linear.md" ] && { echo; cat "$out/linear.md"; }
  echo; echo "total $(( $(date +%s) - t_start ))s"
} > "$out/summary.txt"
cat "$out/summary.txt" >&2
for s in "${status[@]}"; do [[ "$s" == *": ok ("* ]] || exit 1; done
exit 0
