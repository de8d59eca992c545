#!/usr/bin/env bash
# A stand-in for gmsh on a machine without it (the GPU machine, see scripts/gpu-bundle.sh): it
# replays meshes that the real gmsh made when the bundle was built. A mesh is looked up by the
# .geo file's content and the arguments other than "-o FILE"; anything not pre-meshed fails the
# way a missing gmsh would (exit 1), so callers fall back as they do without gmsh.
#   gmsh [ARGS] FILE.geo -o OUT.msh     copy the pre-made mesh to OUT.msh
#   gmsh --key [ARGS] FILE.geo          print the lookup key (used when the bundle is built)
set -u
here=$(cd "$(dirname "$0")" && pwd)
meshes="$here/../meshes"
want_key=0 geo="" out="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --key) want_key=1 ;;
    -o) out=${2:-}; shift ;;
    *.geo) geo=$1 ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ -n "$geo" ] && [ -f "$geo" ] || { echo "gmsh (replay): no .geo file given or found" >&2; exit 1; }
key=$({ printf '%s\n' "${args[*]-}"; cat "$geo"; } | sha256sum | cut -c1-16)
if [ "$want_key" = 1 ]; then echo "$key"; exit 0; fi
[ -n "$out" ] || { echo "gmsh (replay): no -o OUT given" >&2; exit 1; }
if [ -f "$meshes/$key.msh" ]; then
  cp "$meshes/$key.msh" "$out" && exit 0
fi
echo "gmsh (replay): no pre-made mesh for $(basename "$geo") ${args[*]-} (key $key); the real gmsh is not installed here" >&2
exit 1
