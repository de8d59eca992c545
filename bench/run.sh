#!/usr/bin/env bash
# make bench, nine parts (BENCH_ONLY=geometry, meshread, dd, eb, breakdown, batch, hotcarrier, assembly or linear runs one of them):
# - geometry: mesh load + geometry for generated and Gmsh meshes of ~1e4, 1e5, 1e6 nodes.
#   Results: bench/results/geometry.csv and geometry.md (time per node; the geometry must be
#   linear in the node count, so ns/node should stay flat across sizes).
# - meshread: reading speed of Gmsh files of ~1e5 and ~5e5 nodes, 2D (unit square, triangles) and
#   3D (unit cube, tetrahedra), each written as 4.1 binary, 4.1 ASCII and 2.2 ASCII: tcad's reader
#   (mesh/gmsh.c) against PETSc's DMPlexCreateGmsh (the reader tcad used until issue 19, kept in
#   bench_meshread.c), side by side in one run, and whether both give the same mesh.
#   BENCH_MESHREAD_SIZES (default "100000 500000"). Results: bench/results/meshread.csv and .md.
# - dd: the drift-diffusion Id-Vd sweep of the 2D MOSFET (examples/mosfet2d.yaml) on the
#   checked-in mesh (~1.1e4 nodes) and on meshes of mosfet2d.geo refined to ~2e4 and ~2e5 nodes.
#   Results: bench/results/dd.csv and dd.md (Newton iterations and time per bias point, the
#   assembly / linear-solve split, assembly ns per edge per evaluation, which must stay flat
#   across sizes, and peak memory). The ~2e5-node case takes about 20 minutes on one core (MUMPS LU
#   is ~90 % of it); BENCH_DD_SCALES="ref 0.72" leaves it out.
# - eb: the same Id-Vd sweep in drift-diffusion and in the energy-balance model (electron
#   temperature only, 4 unknowns per node, and both temperatures, 5), side by side on the checked-in mesh and the 2e4-node
#   refinement (BENCH_EB_SCALES, default "ref 0.72"). Results: bench/results/eb.csv and eb.md
#   (time per bias point, Newton iterations, linear-solve share, and EB / DD ratios).
# - breakdown: the `breakdown` step (avalanche on, van Overstraeten-de Man) of a 1D p+n junction
#   (background 1e16, 699 nodes, criterion 1e-2 A/cm^2) and of the 2D lateral n+pn+ of
#   examples/snapback2d.yaml (its breakdown step alone, criterion 1e-6 A/cm), each in
#   drift-diffusion and in energy balance. Results: bench/results/breakdown.csv and breakdown.md
#   (bias points, Newton iterations per point, the most Newton iterations at a point after a step
#   cut, time to breakdown, the breakdown voltage, the outcome).
# - batch: `tcad batch` on 8 drift-diffusion breakdown cases of the 1D p+n junction of the breakdown
#   part (background 1e15..1e16, log), on 1 rank and on 2 (mpirun), against the same 8 decks run
#   back to back with `tcad run`: cases per minute and the batch layer's overhead (aim: < 2 %).
#   Results: bench/results/batch.csv and batch.md.
# - hotcarrier: the hot-carrier study of make run (examples/mosfet2d-hc.yaml) in drift-diffusion
#   and in energy balance: bias points, Newton iterations, time, and the gate current's
#   evaluation per point against a Newton solve (aim: under 5 %). Results: bench/results/
#   hotcarrier.csv and hotcarrier.md.
# - assembly: residual + Jacobian assembly alone, DD (bs 3) and energy balance (bs 5), at 1e5, 1e6
#   (and 1e7 with a GPU) nodes: host
#   edge loop, host OpenMP row loop, CUDA kernel, against the memory-bandwidth floor.
#   Results: bench/results/assembly.csv and assembly.md.
# - linear: one Newton system of the generated 2D MOSFET (examples/mosfet2d-gen.yaml with its
#   mesh steps divided so that it has BENCH_LINEAR_NODES nodes; default 1e5, and 1e5 1e6 with a
#   GPU), DD and energy balance (BENCH_LINEAR_MODELS, default "dd eb"), solved by each solver in
#   one run (bench_linear.c, BENCH_LINEAR_REPEAT times each): MUMPS LU and PETSc BiCGSTAB +
#   ILU(0) on the CPU, and with a GPU the device engine (ILU(0) + BiCGSTAB, ILU(0) + GMRES(30),
#   cuDSS), and MUMPS and SuperLU_DIST on all cores under mpirun (bench_mpisolve.c;
#   BENCH_LINEAR_MPI_NP, default all cores). The bias point is converged with the device pipeline
#   when there is a GPU.
#   Results: bench/results/linear.csv and linear.md (iterations, setup and solve times, true
#   residual, error against the known update, speed-up against MUMPS).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}; case "$build" in /*) ;; *) build="$root/$build" ;; esac
only=${BENCH_ONLY:-}
case "$only" in ""|geometry|meshread|dd|eb|breakdown|batch|hotcarrier|assembly|linear) ;; *) echo "bench: BENCH_ONLY must be geometry, meshread, dd, eb, breakdown, batch, hotcarrier, assembly or linear, not '$only'" >&2; exit 2 ;; esac
out="$root/bench/results"; mkdir -p "$out"
tmp=$(mktemp -d /tmp/tcad-bench.XXXXXX); trap 'rm -rf "$tmp"' EXIT
export OMPI_MCA_btl_base_warn_component_unused=0

bench_geometry() {
  local csv="$out/geometry.csv"
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
}

# The example MOSFET deck on its checked-in mesh (SCALE "ref") or on mosfet2d.geo meshed with
# Gmsh's -clscale SCALE (uniform refinement of the same device; meshed once per run): prints the
# deck path, fails when Gmsh does.
mosfet_deck() {
  local s=$1 msh deck
  if [ "$s" = ref ]; then echo "$root/examples/mosfet2d.yaml"; return 0; fi
  msh="$tmp/mosfet2d_s$s.msh"; deck="$tmp/mosfet2d_s$s.yaml"
  if [ ! -f "$deck" ]; then
    echo "bench: meshing mosfet2d.geo with -clscale $s" >&2
    gmsh -2 -format msh41 -bin -clscale "$s" "$root/examples/mosfet2d.geo" -o "$msh" >/dev/null 2>&1 ||
      { echo "bench: gmsh failed for -clscale $s" >&2; return 1; }
    # the same deck (physics, doping, contacts) on the refined mesh
    sed "s|^\([[:space:]]*file:[[:space:]]*\)mosfet2d\.msh[[:space:]]*$|\1$msh|" "$root/examples/mosfet2d.yaml" > "$deck"
    grep -q "file: $msh" "$deck" || { echo "bench: cannot point the deck copy at $msh" >&2; exit 1; }
  fi
  echo "$deck"
}

bench_meshread() {
  local csv="$out/meshread.csv" files=()
  echo "file,format,dim,nodes,cells,tcad_s,plex_s,plex_over_tcad,same" > "$csv"
  # characteristic lengths for ~1e5 and ~5e5 nodes (measured: h = 0.00364 gives 1e5 nodes in 2D, 0.0204 in 3D)
  for n in ${BENCH_MESHREAD_SIZES:-100000 500000}; do
    for dim in 2 3; do
      local h geo="$tmp/read${dim}_$n.geo" base="$tmp/read${dim}_$n"
      h=$(python3 -c "import sys; d, n = int(sys.argv[1]), float(sys.argv[2]); print(0.00364 * (1e5 / n) ** 0.5 if d == 2 else 0.0204 * (1e5 / n) ** (1 / 3))" $dim $n)
      if [ "$dim" = 2 ]; then
        printf 'SetFactory("OpenCASCADE");\nRectangle(1)={0,0,0,1,1};\nPhysical Surface("bulk")={1};\nPhysical Curve("south")={1};\nPhysical Curve("north")={3};\nMesh.CharacteristicLengthMax=%s;\nMesh.Algorithm=5;\n' "$h" > "$geo"
      else
        printf 'SetFactory("OpenCASCADE");\nBox(1)={0,0,0,1,1,1};\nPhysical Volume("bulk")={1};\nPhysical Surface("south")={5};\nPhysical Surface("north")={6};\nMesh.CharacteristicLengthMax=%s;\n' "$h" > "$geo"
      fi
      echo "bench: meshing ${dim}D ~$n nodes with Gmsh" >&2
      gmsh -$dim -format msh41 -bin "$geo" -o "$base-41b.msh" >/dev/null 2>&1 || { echo "bench: gmsh failed for $geo" >&2; continue; }
      gmsh "$base-41b.msh" -save -format msh41 -o "$base-41.msh" >/dev/null 2>&1
      gmsh "$base-41b.msh" -save -format msh22 -o "$base-22.msh" >/dev/null 2>&1
      files+=("$base-41b.msh" "$base-41.msh" "$base-22.msh")
    done
  done
  for f in "${files[@]}"; do
    echo "bench: reading $(basename "$f")" >&2
    BENCH_REPEAT=${BENCH_REPEAT:-2} "$build/bench/bench_meshread" "$f" | tee -a "$csv"
  done
  python3 - "$csv" > "$out/meshread.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| mesh | format | dim | nodes | cells | tcad s | DMPlex s | DMPlex / tcad | tcad ns/node | same mesh |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    same = {"1": "yes", "0": "NO", "-1": "DMPlex refused"}.get(r["same"], r["same"])
    print(f"| {r['file']} | {r['format']} | {r['dim']} | {int(r['nodes']):,} | {int(r['cells']):,} | {float(r['tcad_s']):.3f} "
          f"| {float(r['plex_s']):.3f} | {float(r['plex_over_tcad']):.1f} | {1e9 * float(r['tcad_s']) / int(r['nodes']):.0f} | {same} |")
print()
print("Best of BENCH_REPEAT reads each (default 2), one core. tcad: mesh/gmsh.c, the whole load (parse, "
      "regions and face groups, Morton renumbering); DMPlex: DMPlexCreateGmshFromFile with interpolation plus the "
      "flattening tcad did until issue 19 (bench_meshread.c). Same mesh: nodes (bitwise), cells, regions and "
      "face-group node sets agree.")
PY
  cat "$out/meshread.md"
}

bench_dd() {
  local csv="$out/dd.csv" failed=()
  "$build/bench/bench_dd" --header > "$csv"
  # Gmsh's -clscale multiplies every size field of mosfet2d.geo (uniform refinement of the same
  # device). Measured with Gmsh 4.8.4: 0.72 -> 20,774 nodes, 0.227 -> 198,679 nodes (0.225 and
  # 0.23 leave one region-edge with a negative box-method coupling, 0.227 none). Override with
  # BENCH_DD_SCALES="0.72" etc.; "ref" is the checked-in mosfet2d.msh.
  local scales=${BENCH_DD_SCALES:-ref 0.72 0.227}
  # One OpenMP thread: the host backend then runs the same (serial edge) loop at every size, so
  # ns/edge compares like with like; with more threads it switches to the row loop at 5e4 nodes.
  local OMP_NUM_THREADS=${BENCH_DD_THREADS:-1}; export OMP_NUM_THREADS
  # With a GPU the sweep runs once per solver setup, side by side (the issue's end-to-end GPU vs
  # CPU): host + MUMPS, device assembly + MUMPS on the copied Jacobian, device assembly + the
  # device pipeline (ILU(0)-BiCGSTAB, and cuDSS when TCAD_CUDSS_LIB is set). BENCH_DD_VARIANTS
  # ("|"-separated option sets) overrides.
  local variants=("")
  if [ -n "${BENCH_DD_VARIANTS:-}" ]; then
    IFS='|' read -r -a variants <<< "$BENCH_DD_VARIANTS"
  elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    variants=("-tcad_backend host" "-tcad_backend cuda -tcad_linear direct" "-tcad_backend cuda -tcad_linear ilu-bicgstab")
    [ -n "${TCAD_CUDSS_LIB:-}" ] && variants+=("-tcad_backend cuda -tcad_linear cudss")
  fi
  for s in $scales; do
    local deck
    deck=$(mosfet_deck "$s") || { failed+=("clscale $s (gmsh)"); continue; }
    echo "bench: drift-diffusion Id-Vd sweep, $(basename "$deck")" >&2
    local row v
    for v in "${variants[@]}"; do
      [ -n "$v" ] && echo "bench:   with $v" >&2
      if row=$("$build/bench/bench_dd" "$deck" $v); then
        echo "$row" | tee -a "$csv"
      else
        echo "bench: bench_dd failed for $(basename "$deck") $v" >&2; failed+=("$(basename "$deck") $v")
      fi
    done
  done
  {
    python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
copy = any(float(r['copy_s']) > 0 for r in rows)
head = ("| mesh | backend | nodes | edges | unknowns | Id-Vd points | Newton its/point | step cuts | s/point "
      "| assembly s |" + (" Jacobian copy s |" if copy else "") + " linear s | assembly / linear "
      "| CPU / wall | assembly ns/edge/eval | peak RSS MiB | Id(3 V) A/cm | prep s |")
print(head)
print("|---" * (head.count("|") - 1) + "|")
for r in rows:
    print(f"| {r['mesh']} | {r['backend']}, {r['threads']} thr | {int(r['nodes']):,} | {int(r['edges']):,} "
          f"| {int(r['unknowns']):,} | {r['points']} "
          f"| {float(r['its_per_point']):.2f} | {r['failures']} | {float(r['s_per_point']):.3f} "
          f"| {float(r['assembly_s']):.2f} |" + (f" {float(r['copy_s']):.2f} |" if copy else "") +
          f" {float(r['linear_s']):.2f} "
          f"| {100 * float(r['assembly_share']):.0f} % / {100 * float(r['linear_share']):.0f} % "
          f"| {100 * float(r['sweep_cpu_s']) / float(r['sweep_s']):.0f} % "
          f"| {float(r['assembly_ns_per_edge_eval']):.1f} | {float(r['peak_rss_mib']):.0f} "
          f"| {float(r['id_final']):.4g} | {float(r['prep_s']):.1f} |")
by = {}
for r in rows:
    by.setdefault(r['mesh'], []).append(r)
ends = []
for m, rs in by.items():
    host = [r for r in rs if r['backend'] == 'host']
    if host and len(rs) > 1:
        h = float(host[0]['sweep_s'])
        ends.append(f"- {m}: whole Id-Vd sweep against host + MUMPS: " +
                    ", ".join(f"{r['backend']} {h / float(r['sweep_s']):.2f}x" for r in rs if r is not host[0]))
if ends:
    print("\nEnd to end (one run, side by side):\n" + "\n".join(ends))
# the assembly scaling compares one backend across the meshes
same = [r for r in rows if r['backend'] == rows[0]['backend']]
if len(same) >= 2:
    lo = min(same, key=lambda r: int(r['nodes']))
    hi = max(same, key=lambda r: int(r['nodes']))
    ratio = float(hi['assembly_ns_per_edge_eval']) / float(lo['assembly_ns_per_edge_eval'])
    print(f"\nAssembly ns/edge/evaluation, largest / smallest mesh ({int(hi['edges']):,} / {int(lo['edges']):,} "
          f"edges): {ratio:.2f} (about 1 when assembly is linear in the edge count).")
    busy = {r['mesh']: float(r['sweep_cpu_s']) / float(r['sweep_s']) for r in (lo, hi)}
    if min(busy.values()) < 0.9:
        scaled = ratio * busy[hi['mesh']] / busy[lo['mesh']]
        print(f"Caution: the machine was busy (CPU / wall {100 * busy[lo['mesh']]:.0f} % and "
              f"{100 * busy[hi['mesh']]:.0f} %); with each time scaled by its CPU / wall the ratio is "
              f"{scaled:.2f}. Run again on an idle machine to trust it.")
print("\nId-Vd sweep only (drain 0.05 -> 3.0 V, step 0.1, Vg = 1.5 V); Newton its/point include the "
      "iterations of failed attempts (step cuts). An evaluation is one SNES residual or Jacobian "
      "callback (PETSc event counts); linear = Newton time outside assembly (by default the MUMPS LU "
      "factorization and solve). CPU / wall of the sweep well below 100 % (one thread) means the process "
      "waited for a core: the machine was busy and the times are inflated.")
PY
    echo
    echo "Machine: $(getconf _NPROCESSORS_ONLN) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'); OMP_NUM_THREADS=$OMP_NUM_THREADS; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
    if [ ${#failed[@]} -gt 0 ]; then echo; echo "Failed: ${failed[*]}."; fi
  } > "$out/dd.md"
  cat "$out/dd.md"
  [ ${#failed[@]} -eq 0 ]
}

# Energy balance against drift-diffusion: the MOSFET Id-Vd sweep in both models, one after the
# other on the same mesh (one thread), so the ratios compare like with like.
bench_eb() {
  local csv="$out/eb.csv" failed=()
  "$build/bench/bench_dd" --header > "$csv"
  local OMP_NUM_THREADS=1; export OMP_NUM_THREADS
  for s in ${BENCH_EB_SCALES:-ref 0.72}; do
    local deck
    deck=$(mosfet_deck "$s") || { failed+=("clscale $s (gmsh)"); continue; }
    for t in drift-diffusion energy-balance-electrons energy-balance; do
      echo "bench: $t Id-Vd sweep, $(basename "$deck")" >&2
      local row
      if row=$("$build/bench/bench_dd" "$deck" -tcad_transport $t); then echo "$row" | tee -a "$csv"
      else failed+=("$(basename "$deck") $t"); fi
    done
  done
  {
    python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| mesh | model | nodes | unknowns | points | Newton its/point | step cuts | s/point | assembly / linear | peak RSS MiB | Id(3 V) A/cm |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['mesh']} | {r['transport']} | {int(r['nodes']):,} | {int(r['unknowns']):,} | {r['points']} "
          f"| {float(r['its_per_point']):.2f} | {r['failures']} | {float(r['s_per_point']):.3f} "
          f"| {100 * float(r['assembly_share']):.0f} % / {100 * float(r['linear_share']):.0f} % "
          f"| {float(r['peak_rss_mib']):.0f} | {float(r['id_final']):.4g} |")
print()
by = {}
for r in rows: by.setdefault(int(r['nodes']), {})[r['transport']] = r
for n, m in sorted(by.items()):
    for k, what in (('eb-electrons', 'electron temperature only'), ('eb', 'both temperatures')):
        if 'dd' not in m or k not in m:
            continue
        d, e = m['dd'], m[k]
        print(f"- {n:,} nodes, {what} / DD: whole sweep {float(e['sweep_s']) / float(d['sweep_s']):.2f} "
              f"({e['points']} vs {d['points']} points), time per bias point {float(e['s_per_point']) / float(d['s_per_point']):.2f}, "
              f"Newton its/point {float(e['its_per_point']) / float(d['its_per_point']):.2f}, "
              f"time per Newton iteration {float(e['sweep_s']) / float(e['newton_its']) / (float(d['sweep_s']) / float(d['newton_its'])):.2f}, "
              f"Id(3 V) {float(e['id_final']) / float(d['id_final']):.3f}")
print("\nId-Vd sweep only (drain 0.05 -> 3.0 V, step 0.1, Vg = 1.5 V), host backend, one thread, MUMPS LU; "
      "energy balance: electron temperature only (eb-electrons, 4 unknowns per node) and both carrier temperatures "
      "(eb, 5), Hänsch mobility, tau_w 0.3/0.25 ps.")
PY
    echo "Machine: $(getconf _NPROCESSORS_ONLN) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
    if [ ${#failed[@]} -gt 0 ]; then echo; echo "Failed: ${failed[*]}."; fi
  } > "$out/eb.md"
  cat "$out/eb.md"
  [ ${#failed[@]} -eq 0 ]
}

# Residual + Jacobian assembly: host edge loop (1 thread), host row loop (all OpenMP threads),
# CUDA kernel when a device is present, against the memory-bandwidth floor (bench_assembly.c).
# Sizes: BENCH_ASSEMBLY_SIZES (default 1e5 and 1e6 nodes, plus 1e7 when a GPU is present).
bench_breakdown() {
  local csv="$out/breakdown.csv" failed=()
  local OMP_NUM_THREADS=1; export OMP_NUM_THREADS
  cp "$root/bench/pn1d-breakdown.yaml" "$tmp/pn1d.yaml"
  sed '/^  - sweep:/d' "$root/examples/snapback2d.yaml" > "$tmp/npn2d.yaml"
  echo "case,transport,nodes,rc,points,newton_its,its_per_point,max_its_after_cut,cuts,wall_s,breakdown_voltage,criterion_reached" > "$csv"
  for spec in "1D-pn-1e16 $tmp/pn1d.yaml" "2D-npn $tmp/npn2d.yaml"; do
    set -- $spec
    for t in drift-diffusion energy-balance; do
      echo "bench: breakdown $1 $t" >&2
      local o="$tmp/bd_$1_$t" rc=0
      "$build/tcad" run "$2" -o "$o" -tcad_transport $t > "$o.log" 2>&1 || rc=$?
      [ $rc -eq 0 ] || failed+=("$1 $t (exit $rc)")
      python3 - "$1" "$t" "$rc" "$o" "$build/tcad" "$2" <<'PY' | tee -a "$csv"
import json, re, subprocess, sys
case, t, rc, o, tcad, deck = sys.argv[1:]
try:
    s = json.load(open(f"{o}/summary.json"))
except Exception:
    s = {}
info = subprocess.run([tcad, "info", deck], capture_output=True, text=True).stdout
nodes = int(re.search(r"(\d+) nodes", info).group(1))
its, cut, after = [], False, []
for line in open(f"{o}.log"):
    if re.match(r"\s+breakdown\s+step cut", line):
        cut = True
    m = re.match(r"\s+breakdown\s+\S.*newton\s+(\d+)", line)
    if m:
        its.append(int(m.group(1)))
        if cut:
            after.append(int(m.group(1)))
        cut = False
c = s.get("cost", {})
pts = c.get("bias_points", 0)
bd = s.get("breakdown", {})
print(f"{case},{t},{nodes},{rc},{pts},{c.get('newton_iterations', 0)},"
      f"{c.get('newton_iterations', 0) / max(pts, 1):.2f},{max(after) if after else 0},{c.get('failed_solves', 0)},"
      f"{c.get('wall_time_s', 0):.3f},{s.get('breakdown_voltage')},{bd.get('criterion_reached')}")
PY
    done
  done
  {
    python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| device | model | nodes | points | Newton its/point | most its after a cut | step cuts | time to breakdown s | breakdown voltage V | criterion reached |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    bv = r['breakdown_voltage']
    bv = f"{float(bv):.4g}" if bv not in ("None", "") else "-"
    print(f"| {r['case']} | {r['transport']} | {int(r['nodes']):,} | {r['points']} | {float(r['its_per_point']):.2f} "
          f"| {r['max_its_after_cut']} | {r['cuts']} | {float(r['wall_s']):.2f} | {bv} | {r['criterion_reached']} |")
print("\nThe whole run (equilibrium, ramp, load line) on the host backend, one thread; 1D: PETSc LU in the natural "
      "order, 2D: MUMPS. A criterion not reached is an outcome to fix, not a time to compare.")
PY
    echo "Machine: $(getconf _NPROCESSORS_ONLN) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
    if [ ${#failed[@]} -gt 0 ]; then echo; echo "Failed: ${failed[*]}."; fi
  } > "$out/breakdown.md"
  cat "$out/breakdown.md"
  return 0
}

bench_batch() {
  local csv="$out/batch.csv" n=8 t0 t1
  calc() { python3 -c "print($1)"; }
  local OMP_NUM_THREADS=1; export OMP_NUM_THREADS
  cp "$root/bench/pn1d-breakdown.yaml" "$tmp/bd.yaml"
  printf 'base: bd.yaml\nvary:\n  doping[1].conc: {from: 1e15, to: 1e16, steps: %d, scale: log}\n' "$n" > "$tmp/bd-plan.yaml"
  echo "mode,ranks,cases,wall_s,cases_per_min" > "$csv"
  # the reference: the same decks (tcad batch --deck N) run back to back with tcad run
  for c in $(seq 1 $n); do "$build/tcad" batch "$tmp/bd-plan.yaml" --deck "$c" > "$tmp/bd-case$c.yaml"; done
  echo "bench: batch, $n cases back to back with tcad run" >&2
  t0=$(date +%s.%N)
  for c in $(seq 1 $n); do "$build/tcad" run "$tmp/bd-case$c.yaml" -o "$tmp/bd-run$c" -q > /dev/null 2>&1 || echo "bench: case $c failed" >&2; done
  t1=$(date +%s.%N)
  echo "tcad run x$n,1,$n,$(calc "$t1 - $t0"),$(calc "$n * 60 / ($t1 - $t0)")" >> "$csv"
  for ranks in 1 2; do
    echo "bench: tcad batch on $ranks rank(s)" >&2
    rm -rf "$tmp/bd-out$ranks"
    t0=$(date +%s.%N)
    if [ "$ranks" = 1 ]; then "$build/tcad" batch "$tmp/bd-plan.yaml" -o "$tmp/bd-out$ranks" > "$tmp/bd-batch$ranks.log" 2>&1
    else mpirun --allow-run-as-root --oversubscribe -n "$ranks" "$build/tcad" batch "$tmp/bd-plan.yaml" -o "$tmp/bd-out$ranks" > "$tmp/bd-batch$ranks.log" 2>&1; fi \
      || echo "bench: the batch on $ranks rank(s) failed: $(tail -n 2 "$tmp/bd-batch$ranks.log")" >&2
    t1=$(date +%s.%N)
    echo "tcad batch,$ranks,$n,$(calc "$t1 - $t0"),$(calc "$n * 60 / ($t1 - $t0)")" >> "$csv"
  done
  python3 - "$csv" "$(getconf _NPROCESSORS_ONLN)" > "$out/batch.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ref = float(rows[0]["wall_s"])
print("| how | ranks | cases | wall s | cases/min | vs tcad run back to back |")
print("|---|---|---|---|---|---|")
for r in rows:
    w = float(r["wall_s"])
    rel = "-" if r is rows[0] else (f"{100 * (w - ref) / ref:+.1f} % time" if r["ranks"] == "1" else f"{ref / w:.2f}x faster")
    print(f"| {r['mode']} | {r['ranks']} | {r['cases']} | {w:.2f} | {float(r['cases_per_min']):.1f} | {rel} |")
print()
print(f"Drift-diffusion breakdown of the 1D p+n junction (bench/pn1d-breakdown.yaml), background donors 1e15..1e16 "
      f"(8 values, log), one OpenMP thread per process, {sys.argv[2]} cores. The 1-rank row's difference to the "
      f"back-to-back row is the batch layer's overhead (plan expansion and validation, records, summary with "
      f"extraction) plus noise; the machine is shared.")
PY
  cat "$out/batch.md"
}

bench_hotcarrier() {
  local csv="$out/hotcarrier.csv" failed=()
  local OMP_NUM_THREADS=1; export OMP_NUM_THREADS
  echo "transport,rc,points,newton_solves,newton_its,its_per_point,wall_s,solve_s,injection_s,injection_ms_per_point,injection_share_of_solve_pct,injection_share_of_newton_solve_pct" > "$csv"
  for t in drift-diffusion energy-balance; do
    echo "bench: hot-carrier study (examples/mosfet2d-hc.yaml) $t" >&2
    local o="$tmp/hc_$t" rc=0
    "$build/tcad" run "$root/examples/mosfet2d-hc.yaml" -o "$o" -tcad_transport $t > "$o.log" 2>&1 || rc=$?
    [ $rc -eq 0 ] || failed+=("$t (exit $rc)")
    python3 - "$t" "$rc" "$o" <<'PY' | tee -a "$csv"
import json, re, sys
t, rc, o = sys.argv[1:]
try:
    s = json.load(open(f"{o}/summary.json"))
except Exception:
    s = {}
c = s.get("cost", {})
solve = 0.0
for line in open(f"{o}.log"):
    m = re.search(r"assembly ([0-9.]+) s, linear solve ([0-9.]+) s", line)
    if m:
        solve = float(m.group(1)) + float(m.group(2))
pts, ns, inj = c.get("bias_points", 0), c.get("newton_solves", 0), c.get("injection_s", 0.0)
print(f"{t},{rc},{pts},{ns},{c.get('newton_iterations', 0)},{c.get('newton_iterations', 0) / max(pts, 1):.2f},"
      f"{c.get('wall_time_s', 0):.2f},{solve:.2f},{inj:.3f},{1e3 * inj / max(pts, 1):.2f},"
      f"{100 * inj / solve if solve else 0:.2f},{100 * (inj / max(pts, 1)) / (solve / max(ns, 1)) if solve else 0:.2f}")
PY
  done
  {
    python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| model | bias points | Newton solves | Newton its/point | wall s | assembly + linear s | injection s | injection ms/point | injection / Newton solve |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['transport']} | {r['points']} | {r['newton_solves']} | {r['its_per_point']} | {r['wall_s']} | {r['solve_s']} "
          f"| {r['injection_s']} | {r['injection_ms_per_point']} | {r['injection_share_of_newton_solve_pct']} % |")
if len(rows) == 2 and float(rows[0]['wall_s']) > 0:
    print(f"\nEnergy balance / drift-diffusion, wall time: {float(rows[1]['wall_s']) / float(rows[0]['wall_s']):.2f}, "
          f"bias points {int(rows[1]['points']) / max(int(rows[0]['points']), 1):.2f}.")
print("\nThe whole hot-carrier study of make run (examples/mosfet2d-hc.yaml: two I_sub(V_g) sweeps, the gate current, "
      "the lifetime, the drain breakdown) per model, one thread, host backend, run one after the other. Injection: "
      "the gate current's evaluation per recorded point (lucky electron in drift-diffusion, Fiegna in energy "
      "balance) against one Newton solve (assembly + linear solve over the Newton solves); the aim is under 5 %.")
PY
    echo "Machine: $(getconf _NPROCESSORS_ONLN) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
    if [ ${#failed[@]} -gt 0 ]; then echo; echo "Failed: ${failed[*]}."; fi
  } > "$out/hotcarrier.md"
  cat "$out/hotcarrier.md"
  return 0
}

bench_assembly() {
  local sizes=${BENCH_ASSEMBLY_SIZES:-}
  if [ -z "$sizes" ]; then
    sizes="100000 1000000"
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then sizes="$sizes 10000000"; fi
  fi
  echo "bench: assembly at $sizes nodes" >&2
  { "$build/bench/bench_assembly" $sizes; "$build/bench/bench_assembly" --eb $sizes | tail -n +2; } | tee "$out/assembly.csv"
  python3 - "$out/assembly.csv" > "$out/assembly.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| model | bs | nodes | edges | Jacobian nnz | MB moved | floor ms (3 TB/s) | host 1 thread ms | host OpenMP ms (threads) | device ms | device / floor | device speedup vs OpenMP | ≤128-register kernel ms | run-time-bs kernel ms |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['model']} | {r['bs']} | {int(r['nodes']):,} | {int(r['edges']):,} | {int(r['nnz']):,} | {float(r['bytes'])/1e6:.0f} | {r['floor_ms']} "
          f"| {r['host_serial_ms']} | {r['host_omp_ms']} ({r['threads']}) | {r['device_ms']} | {r['device_vs_floor']} | {r['device_speedup_vs_omp']} "
          f"| {r['bounded_ms']} (Jacobian differs by {r['bounded_maxrel']}) | {r['generic_ms']} (by {r['generic_maxrel']}) |")
PY
  echo "Machine: $(getconf _NPROCESSORS_ONLN) cores; $(nvidia-smi -L 2>/dev/null | head -1 || echo 'no GPU'); $(date -u +%Y-%m-%d)." >> "$out/assembly.md"
  cat "$out/assembly.md"
}

# One Newton system per size and model, every solver on it (bench_linear.c).
bench_linear() {
  local gpu=0 sizes=${BENCH_LINEAR_NODES:-} models=${BENCH_LINEAR_MODELS:-dd eb} rep=${BENCH_LINEAR_REPEAT:-3}
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then gpu=1; fi
  [ -n "$sizes" ] || { sizes=100000; [ $gpu = 1 ] && sizes="100000 1000000"; }
  # the all-cores CPU baseline: the same systems solved under mpirun (bench_mpisolve.c)
  local np=${BENCH_LINEAR_MPI_NP:-$(getconf _NPROCESSORS_ONLN)}
  # mpirun is a Debian alternatives link that an unpacked .deb lacks: orterun is the program
  local mpirun=""
  for m in mpirun mpirun.openmpi orterun; do command -v $m >/dev/null 2>&1 && { mpirun=$m; break; }; done
  [ -n "$mpirun" ] || { echo "bench: no mpirun: no all-cores CPU baseline" >&2; np=0; }
  local csv="$out/linear.csv"
  "$build/bench/bench_linear" --header > "$csv"
  local cfgs=(--config "mumps:none:aij:-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps"
              --config "cpu-ilu0-bicgstab:rowcol:baij:-ksp_type bcgs -pc_type ilu")
  local conv=()
  if [ $gpu = 1 ]; then
    cfgs+=(--config "gpu-ilu0-bicgstab:rowcol:gpu-bicgstab:" --config "gpu-ilu0-gmres30:rowcol:gpu-gmres:-ksp_gmres_restart 30"
           --config "gpu-cudss:rowcol:gpu-cudss:")
    # the bias ramp before the measured system: on the device, with cuDSS when it is there
    local how=${BENCH_LINEAR_CONVERGE:-}
    [ -n "$how" ] || { how=ilu-bicgstab; [ -n "${TCAD_CUDSS_LIB:-}" ] && how=cudss; }
    conv=(-tcad_backend cuda -tcad_linear "$how")
  fi
  # From BENCH_LINEAR_PROBE_NODES nodes on (default 5e5) a probe, not the full table: the models
  # in BENCH_LINEAR_PROBE_MODELS (default dd), the device solvers and the all-cores MUMPS baseline
  # only (serial MUMPS and the one-core ILU would not finish inside a GPU call), repeated
  # BENCH_LINEAR_PROBE_REPEAT times (default 2).
  local probe=${BENCH_LINEAR_PROBE_NODES:-500000}
  for n in $sizes; do
    local deck="$tmp/mosfet_$n.yaml" ms=$models r=$rep c=("${cfgs[@]}") mpi_cfgs
    mpi_cfgs=(--config "mumps-mpi:-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps"
              --config "superlu_dist-mpi:-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type superlu_dist")
    if [ "$n" -ge "$probe" ]; then
      ms=${BENCH_LINEAR_PROBE_MODELS:-dd}; r=${BENCH_LINEAR_PROBE_REPEAT:-2}
      c=(); [ $gpu = 1 ] && c=(--config "gpu-cudss:rowcol:gpu-cudss:" --config "gpu-ilu0-bicgstab:rowcol:gpu-bicgstab:")
      mpi_cfgs=(--config "mumps-mpi:-ksp_type preonly -pc_type lu -pc_factor_mat_solver_type mumps")
    fi
    # the generated mesh has ~5,700 nodes; its steps divided by sqrt(n / 5700) give ~n nodes
    python3 - "$root/examples/mosfet2d-gen.yaml" "$n" > "$deck" <<'PY'
import math, re, sys
text = open(sys.argv[1]).read()
f = math.sqrt(float(sys.argv[2]) / 5697.0)
print(re.sub(r"step: ([0-9.eE+-]+)", lambda m: "step: %.6g" % (float(m.group(1)) / f), text), end="")
PY
    for m in $ms; do
      local tr=(); [ "$m" = eb ] && tr=(-tcad_transport energy-balance)
      local dump=(); [ "$np" -ge 2 ] && { rm -rf "$tmp/sys"; mkdir -p "$tmp/sys"; dump=(--dump "$tmp/sys"); }
      echo "bench: linear solvers, $m, ~$n nodes" >&2
      "$build/bench/bench_linear" -q "$deck" --vd 0.5 --vg 1.0 --repeat "$r" "${dump[@]}" "${c[@]}" "${conv[@]}" \
        "${tr[@]}" | grep -v "^mesh," | tee -a "$csv" \
        || echo "bench: bench_linear failed for $m at $n nodes" >&2
      if [ "$np" -ge 2 ] && [ -f "$tmp/sys/system0.csv" ]; then
        echo "bench: the same system on $np processes (mpirun): MUMPS, SuperLU_DIST" >&2
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$mpirun" --mca plm isolated --bind-to core -np "$np" \
          "$build/bench/bench_mpisolve" "$tmp/sys" --repeat "$r" "${mpi_cfgs[@]}" \
          | tee -a "$csv" || echo "bench: bench_mpisolve failed for $m at $n nodes" >&2
      fi
      rm -rf "$tmp/sys"
    done
  done
  python3 - "$csv" > "$out/linear.md" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
groups = {}
for r in rows:
    groups.setdefault((r['transport'], int(r['nodes']), r['config']), []).append(r)
def best(rs, key, skip_first):
    vals = [float(r[key]) for r in (rs[1:] if skip_first and len(rs) > 1 else rs)]
    return min(vals)
tot = {k: best(rs, 'setup_s', True) + best(rs, 'solve_s', False) for k, rs in groups.items()}
print("| model | nodes | unknowns | solver | its | setup s (first) | setup s (best) | solve s (best) | setup + solve s | vs best CPU | true residual | error |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for (tr, n, cfg), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    cpu = [t for (tr2, n2, c2), t in tot.items() if tr2 == tr and n2 == n and not c2.startswith('gpu-')]
    last = rs[-1]
    where = f"{cfg} ({last['mattype']})"
    ratio = f"{min(cpu) / tot[(tr, n, cfg)]:.2f}x" if cpu else "-"
    print(f"| {tr} | {n:,} | {int(last['unknowns']):,} | {where} | {last['its']} | {float(rs[0]['setup_s']):.4f} "
          f"| {best(rs, 'setup_s', True):.4f} | {best(rs, 'solve_s', False):.4f} | {tot[(tr, n, cfg)]:.4f} | {ratio} "
          f"| {last['true_relres']} | {last['error_rel']} |")
print()
print("its: Krylov iterations (cuDSS: refinement steps; MUMPS: 1). Setup = scaling + factorization "
      "(ILU(0), LU; cuDSS's first includes its analysis), best of the repeats after the first; solve includes "
      "the host-device copies of b and x. True residual: row-equilibrated max norm; error: against the exact "
      "Newton update (max norm, relative). aij/baij: one core (PETSc sequential); mpiaij-npP: P processes "
      "under mpirun (bench_mpisolve). vs best CPU: the fastest CPU row's setup + solve over this row's.")
PY
  echo "Machine: $(getconf _NPROCESSORS_ONLN) cores; $(nvidia-smi -L 2>/dev/null | head -1 || echo 'no GPU'); $(date -u +%Y-%m-%d)." >> "$out/linear.md"
  cat "$out/linear.md"
}

if [ -z "$only" ] || [ "$only" = geometry ]; then bench_geometry; fi
if [ -z "$only" ] || [ "$only" = meshread ]; then bench_meshread; fi
if [ -z "$only" ] || [ "$only" = dd ]; then bench_dd; fi
if [ -z "$only" ] || [ "$only" = eb ]; then bench_eb; fi
if [ -z "$only" ] || [ "$only" = breakdown ]; then bench_breakdown; fi
if [ -z "$only" ] || [ "$only" = batch ]; then bench_batch; fi
if [ -z "$only" ] || [ "$only" = hotcarrier ]; then bench_hotcarrier; fi
if [ -z "$only" ] || [ "$only" = assembly ]; then bench_assembly; fi
if [ -z "$only" ] || [ "$only" = linear ]; then bench_linear; fi
