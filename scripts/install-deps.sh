#!/usr/bin/env bash
# Installs what tcad needs to build, run and test, idempotently and without prompts.
#   scripts/install-deps.sh          build + run dependencies (apt)
#   scripts/install-deps.sh --test   also the Python helpers the tests and plots use (.venv)
#   scripts/install-deps.sh --cudss  also NVIDIA's cuDSS (the nvidia-cudss-cu13 wheel, ~160 MB, into
#                                    .venv) for -tcad_linear cudss on a GPU machine
# Safe to run again: it checks before it installs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
want_test=0 want_cudss=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    --cudss) want_cudss=1 ;;
    *) echo "install-deps: unknown option $a (--test, --cudss)" >&2; exit 2 ;;
  esac
done

apt_pkgs=(build-essential pkg-config petsc-dev libhdf5-openmpi-dev libyaml-dev libopenblas0-serial gmsh)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

venv="$here/.venv"
if [ "$want_test" = 1 ] || [ "$want_cudss" = 1 ]; then
  if [ ! -x "$venv/bin/python" ]; then
    echo "install-deps: creating $venv"
    python3 -m venv "$venv" 2>/dev/null || {
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-venv
      python3 -m venv "$venv"; }
  fi
fi
if [ "$want_cudss" = 1 ] && ! ls "$venv"/lib/python3*/site-packages/nvidia/cu13/lib/libcudss.so.1 >/dev/null 2>&1; then
  # loaded at run time by kernels/linalg/cudss.c, which looks in this .venv among other places
  echo "install-deps: installing cuDSS (nvidia-cudss-cu13) into $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps 'nvidia-cudss-cu13>=1,<2'
fi
if [ "$want_test" = 1 ]; then
  # numpy/h5py/vtk: independent readers of our HDF5/XDMF output (vtk is what ParaView uses);
  # matplotlib for plots.
  if ! "$venv/bin/python" -c "import numpy, h5py, vtk, matplotlib" 2>/dev/null; then
    echo "install-deps: installing Python test helpers into $venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check numpy h5py vtk matplotlib
  fi
fi
exit 0
