#!/usr/bin/env bash
# make run: the built-in study on the 2D n-MOSFET (examples/mosfet2d.yaml): the deck's Id-Vg and
# Id-Vd sweeps in drift-diffusion and again in the energy-balance model (-tcad_transport), each
# with its ParaView output and IV table, then PNG plots comparing the two
# (scripts/plot-study.py): Id-Vd and Id-Vg, the electron temperature map and the channel
# profiles of T_n and electron velocity at the last bias point; then the breakdown and snapback
# of a lateral n+pn+ (examples/snapback2d.yaml, the collector driven in current past the knee)
# with its PNG (scripts/plot-snapback.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}; case "$build" in /*) ;; *) build="$root/$build" ;; esac
export OMPI_MCA_btl_base_warn_component_unused=0
cd "$root"
out=tcad-out/mosfet2d
echo "=== drift-diffusion"
"$build/tcad" run examples/mosfet2d.yaml -o "$out/dd"
echo
echo "=== energy balance (electron and hole temperatures)"
"$build/tcad" run examples/mosfet2d.yaml -o "$out/eb" -tcad_transport energy-balance
echo
echo "=== avalanche breakdown and snapback of a lateral n+pn+ (examples/snapback2d.yaml)"
sb=tcad-out/snapback2d
"$build/tcad" run examples/snapback2d.yaml -o "$sb"
echo
py=python3
[ -x "$root/.venv/bin/python" ] && py="$root/.venv/bin/python"
if "$py" -c "import h5py, matplotlib" 2>/dev/null; then
  "$py" scripts/plot-study.py "$out"
  "$py" scripts/plot-snapback.py "$sb"
else
  echo "plots skipped: h5py and matplotlib are missing (bash scripts/install-deps.sh --test installs them)"
fi
echo
echo "ParaView: open $out/dd/fields.xdmf and $out/eb/fields.xdmf (XDMF reader; one time step per bias point)."
echo "IV tables: $out/dd/iv.csv, $out/eb/iv.csv, $sb/iv.csv (snapback: $sb/snapback.png)."

