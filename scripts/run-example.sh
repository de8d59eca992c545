#!/usr/bin/env bash
# make run: the built-in study, drift-diffusion against energy balance on the example 2D
# n-MOSFET, the two models run side by side (one core each):
# 1. the hot-carrier and breakdown study (examples/mosfet2d-hc.yaml, generated mesh): the
#    substrate current's bell over V_g at V_d = 1.5 and 2 V, the hot-carrier gate current
#    (lucky electron / Fiegna: `hot_carrier: auto`), Hu's lifetime, and the drain junction's
#    breakdown at V_g = 0; PNG plots and a markdown comparison table (scripts/plot-hc.py);
# 2. Id-Vg and Id-Vd on the Gmsh mesh (examples/mosfet2d.yaml) with the electron temperature
#    map and channel profiles (scripts/plot-study.py);
# 3. the breakdown and snapback of a lateral n+pn+ (examples/snapback2d.yaml, the collector
#    driven in current past the knee) with its PNG (scripts/plot-snapback.py).
# Every run writes its ParaView series (fields.xdmf + fields.h5), iv.csv and summary.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}; case "$build" in /*) ;; *) build="$root/$build" ;; esac
export OMPI_MCA_btl_base_warn_component_unused=0
cd "$root"
t0=$(date +%s)

# run the deck $1 into $2 in drift-diffusion and in energy balance at once, one core each; the
# progress lines of both, prefixed dd | and eb |; the exit status of the first that failed
side_by_side() {
  local deck=$1 out=$2 rc=0
  mkdir -p "$out"
  OMP_NUM_THREADS=1 "$build/tcad" run "$deck" -o "$out/dd" 2>&1 | sed -u 's/^/dd | /' &
  local a=$!
  OMP_NUM_THREADS=1 "$build/tcad" run "$deck" -o "$out/eb" -tcad_transport energy-balance 2>&1 | sed -u 's/^/eb | /' &
  local b=$!
  wait $a || rc=$?
  wait $b || rc=$?
  return $rc
}

py=python3
[ -x "$root/.venv/bin/python" ] && py="$root/.venv/bin/python"
plots=1
"$py" -c "import h5py, matplotlib" 2>/dev/null || plots=0

hc=tcad-out/mosfet2d-hc
echo "=== hot-carrier and breakdown study (examples/mosfet2d-hc.yaml): drift-diffusion | energy balance"
side_by_side examples/mosfet2d-hc.yaml "$hc"
echo
out=tcad-out/mosfet2d
echo "=== Id-Vg and Id-Vd (examples/mosfet2d.yaml): drift-diffusion | energy balance"
side_by_side examples/mosfet2d.yaml "$out"
echo
echo "=== avalanche breakdown and snapback of a lateral n+pn+ (examples/snapback2d.yaml)"
sb=tcad-out/snapback2d
"$build/tcad" run examples/snapback2d.yaml -o "$sb"
echo
if [ $plots = 1 ]; then
  "$py" scripts/plot-hc.py "$hc"
  "$py" scripts/plot-study.py "$out"
  "$py" scripts/plot-snapback.py "$sb"
else
  echo "plots skipped: h5py and matplotlib are missing (bash scripts/install-deps.sh --test installs them)"
fi
echo
echo "ParaView: open $hc/dd/fields.xdmf and $hc/eb/fields.xdmf (or $out/...; XDMF reader, one time step per bias point)."
echo "Tables: $hc/comparison.md; IV tables and run summaries beside each fields.xdmf (iv.csv, summary.json)."
echo "study done in $(( $(date +%s) - t0 )) s"
