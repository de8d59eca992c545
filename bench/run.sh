#!/usr/bin/env bash
# make bench: mesh load + geometry for generated and Gmsh meshes of ~1e4, 1e5, 1e6 nodes.
# Results: bench/results/geometry.csv and bench/results/geometry.md (time per node; the
# geometry must be linear in the node count, so ns/node should stay flat across sizes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}; case "$build" in /*) ;; *) build="$root/$build" ;; esac
out="$root/bench/results"; mkdir -p "$out"
tmp=$(mktemp -d /tmp/tcad-bench.XXXXXX); trap 'rm -rf "$tmp"' EXIT
export OMPI_MCA_btl_base_warn_component_unused=0
csv="$out/geometry.csv"
echo "kind,dim,nodes,cells,edges,load_s,geometry_s,load_ns_per_node,geometry_ns_per_node" > "$csv"
for dim in 2 3; do
  for n in 10000 100000 1000000; do
    echo "bench: generated ${dim}D, ~$n nodes" >&2
    "$build/bench/bench_geometry" gen $dim $n | tee -a "$csv"
  done
done
# Gmsh meshes of a unit square (2D) and cube (3D) with a uniform size chosen for the node count.
for spec in "2 10000 0.0104" "2 100000 0.00329" "2 1000000 0.00104" "3 10000 0.052" "3 100000 0.0242" "3 1000000 0.0089"; do
  set -- $spec; dim=$1; n=$2; h=$3
  geo="$tmp/m${dim}_$n.geo"; msh="$tmp/m${dim}_$n.msh"
  if [ "$dim" = 2 ]; then
    printf 'SetFactory("OpenCASCADE");\nRectangle(1)={0,0,0,1,1};\nPhysical Surface("bulk")={1};\nPhysical Curve("south")={1};\nMesh.CharacteristicLengthMax=%s;\nMesh.Algorithm=5;\n' "$h" > "$geo"
  else
    printf 'SetFactory("OpenCASCADE");\nBox(1)={0,0,0,1,1,1};\nPhysical Volume("bulk")={1};\nPhysical Surface("south")={5};\nMesh.CharacteristicLengthMax=%s;\n' "$h" > "$geo"
  fi
  echo "bench: meshing ${dim}D Gmsh ~$n nodes" >&2
  gmsh -$dim -format msh41 -bin "$geo" -o "$msh" >/dev/null 2>&1 || { echo "bench: gmsh failed for $geo" >&2; continue; }
  BENCH_REPEAT=2 "$build/bench/bench_geometry" msh "$msh" | tee -a "$csv"
done
python3 - "$csv" > "$out/geometry.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| mesh | dim | nodes | cells | load s | geometry s | load ns/node | geometry ns/node |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['kind']} | {r['dim']} | {int(r['nodes']):,} | {int(r['cells']):,} | {float(r['load_s']):.3f} | {float(r['geometry_s']):.3f} | {r['load_ns_per_node']} | {r['geometry_ns_per_node']} |")
PY
cat "$out/geometry.md"
