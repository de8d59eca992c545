#!/usr/bin/env bash
# make run: the built-in study, drift-diffusion against energy balance on the example 2D
# n-MOSFET, on two cores (the energy-balance hot-carrier run, the longest, on one; the other
# runs one after the other on the second), one thread each:
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

# one run, its output lines prefixed with TAG |, one core
tagged() {
  local tag=$1; shift
  OMP_NUM_THREADS=1 "$build/tcad" run "$@" 2>&1 | sed -u "s/^/$tag | /"
  return "${PIPESTATUS[0]}"
}

py=python3
[ -x "$root/.venv/bin/python" ] && py="$root/.venv/bin/python"
plots=1
"$py" -c "import h5py, matplotlib" 2>/dev/null || plots=0

hc=tcad-out/mosfet2d-hc out=tcad-out/mosfet2d sb=tcad-out/snapback2d
mkdir -p "$hc" "$out"
echo "=== the study on two cores: the energy-balance hot-carrier run (hc-eb) on one; on the other the"
echo "    drift-diffusion one (hc-dd), then Id-Vg and Id-Vd (examples/mosfet2d.yaml) in both models"
echo "    (id-dd, id-eb), then the lateral n+pn+'s breakdown and snapback (examples/snapback2d.yaml, sb)"
tagged hc-eb examples/mosfet2d-hc.yaml -o "$hc/eb" -tcad_transport energy-balance &
eb=$!
rc=0
tagged hc-dd examples/mosfet2d-hc.yaml -o "$hc/dd" || rc=$?
tagged id-dd examples/mosfet2d.yaml -o "$out/dd" || rc=$?
tagged id-eb examples/mosfet2d.yaml -o "$out/eb" -tcad_transport energy-balance || rc=$?
tagged sb examples/snapback2d.yaml -o "$sb" || rc=$?
wait $eb || rc=$?
[ $rc -eq 0 ] || { echo "make run: a run failed (exit $rc); its error is above" >&2; exit $rc; }
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
