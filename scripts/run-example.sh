#!/usr/bin/env bash
# make run: the built-in example. Today: the 2D n-MOSFET's mesh, box-method geometry and
# doping, written for ParaView; the drift-diffusion / energy-balance study grows here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}; case "$build" in /*) ;; *) build="$root/$build" ;; esac
export OMPI_MCA_btl_base_warn_component_unused=0
cd "$root"
"$build/tcad" run examples/mosfet2d.yaml -o tcad-out/mosfet2d
echo
echo "Open tcad-out/mosfet2d/fields.xdmf in ParaView (XDMF reader) to see the doping."
