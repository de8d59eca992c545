#!/usr/bin/env bash
# The tcad command line and bad input: exit codes, messages on stderr that name the file,
# line or object, no crash (no signal) on any bad mesh or deck, and results already written
# stay readable. Decks are written here so each case is visible in one place.
# Every run that simulates (the examples and their sweeps; the unconverged, not-implemented
# and bad-option runs) gets -tcad_backend $TCAD_TEST_BACKEND (host or cuda, default host) and
# must name that backend on its first line; the checks are the same on both. Asked for cuda
# without a CUDA device, the test is one SKIP (tests/run.sh).
set -u
T=${TCAD:?run through tests/run.sh}; D="$TCAD_ROOT/tests/data"; W="$TCAD_TEST_TMP/cli"; mkdir -p "$W"
wrap=${TCAD_TEST_WRAPPER:-}
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
tiny_deck() { # file: a 1D resistor, equilibrium only
  cat >"$1" <<YAML
mesh: {generate: {x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}
regions: [{name: si, material: Si, box: {x: [0, 1]}}]
contacts: [{name: a, box: {x: [0, 0]}}, {name: b, box: {x: [1, 1]}}]
doping: [{profile: uniform, species: donor, conc: 1e16}]
solve: [{equilibrium: {}}]
YAML
}
backend=${TCAD_TEST_BACKEND:-host}
case "$backend" in
  host) ;;
  cuda) # a one-point run on cuda: exit 0, or the CLI's "-tcad_backend cuda: <why>" without a device
    tiny_deck "$W/probe.yaml"
    "$T" run "$W/probe.yaml" -o "$W/probe" -q -tcad_backend cuda >"$W/probe.out" 2>"$W/probe.err"; rc=$?
    why=$(sed -n 's/.*-tcad_backend cuda: \(.*\); use -tcad_backend host.*/\1/p' "$W/probe.err" | head -n1)
    if [ "$rc" -ne 0 ] && [ -n "$why" ]; then
      case "$why" in "no CUDA device"*) ;; *) why="no CUDA device: $why" ;; esac
      echo "SKIP t040-cli.sh: $why"; exit 0
    fi
    [ "$rc" -eq 0 ] || { echo "FAIL cli.backend_cuda: a one-point run on cuda exited $rc: $(head -c 400 "$W/probe.err")"; exit 1; }
    echo "# backend cuda: $(head -n1 "$W/probe.out")" ;;
  *) echo "FAIL t040-cli.sh: TCAD_TEST_BACKEND=$backend: unknown backend; use host or cuda"; exit 1 ;;
esac
# expect NAME RC REGEX -- args...   (RC: expected exit status; REGEX matched against stderr)
expect() {
  local name=$1 rc=$2 re=$3; shift 4
  $wrap "$T" "$@" >"$W/$name.out" 2>"$W/$name.err"; local got=$?
  if [ "$got" -ne "$rc" ]; then bad "$name" "exit $got, expected $rc; stderr: $(head -c 400 "$W/$name.err")"; return; fi
  if [ -n "$re" ] && ! grep -Eq -- "$re" "$W/$name.err"; then bad "$name" "stderr does not match /$re/: $(head -c 400 "$W/$name.err")"; return; fi
  if [ -n "${on_backend:-}" ] && ! head -n1 "$W/$name.out" | grep -q "backend $on_backend ("; then
    bad "$name" "not on the $on_backend backend: $(head -n1 "$W/$name.out")"; return
  fi
  ok "$name"
}
# expect_sim NAME RC REGEX -- run args...: a run that simulates, on the tests' backend
expect_sim() {
  local on_backend=$backend name=$1 rc=$2 re=$3; shift 4
  expect "$name" "$rc" "$re" -- "$@" -tcad_backend "$backend"
}
square_deck() { # file mesh [extra yaml]
  cat >"$1" <<YAML
title: square
mesh: {file: $2}
regions:
  - {name: bottom, material: Si}
  - {name: top, material: Si}
contacts:
  - {name: south, type: ohmic}
  - {name: north, type: ohmic}
doping:
  - {profile: uniform, species: donor, conc: 1e16}
${3:-}
YAML
}

expect cli.version 0 "" -- --version
grep -q '^tcad [0-9]' "$W/cli.version.out" && ok cli.version_text || bad cli.version_text "$(cat "$W/cli.version.out")"
expect cli.help 0 "" -- --help
grep -q '^usage: tcad' "$W/cli.help.out" && ok cli.help_text || bad cli.help_text "no usage line"
expect cli.no_args 2 "usage" --
expect cli.unknown_command 2 "unknown command 'frobnicate'" -- frobnicate
expect cli.run_without_deck 2 "needs a file" -- run
expect cli.missing_deck 5 "nothing-here.yaml" -- run "$W/nothing-here.yaml"

printf 'mesh: {file: x.msh\nregions: []\n' >"$W/syntax.yaml"
expect deck.yaml_syntax 3 "syntax.yaml:[0-9]+:[0-9]+" -- info "$W/syntax.yaml"
square_deck "$W/unknown-key.yaml" "$D/square-41.msh" "dopping: []"
expect deck.unknown_key 3 "unknown-key.yaml:[0-9]+:[0-9]+: .*dopping.*did you mean 'doping'" -- info "$W/unknown-key.yaml"
square_deck "$W/no-mesh-file.yaml" "$W/absent.msh"
expect mesh.missing_file 5 "absent.msh" -- info "$W/no-mesh-file.yaml"

for m in truncated truncated-b corrupt not-a-mesh; do
  square_deck "$W/$m.yaml" "$D/$m.msh"
  expect "mesh.$m" 4 "$m.msh" -- info "$W/$m.yaml"
done
grep -q "not a Gmsh mesh" "$W/mesh.not-a-mesh.err" && ok mesh.not-a-mesh_says_why || bad mesh.not-a-mesh_says_why "$(cat "$W/mesh.not-a-mesh.err")"

# Files that crashed a Gmsh reader (tests/data/fuzz-gmsh/README.md; PETSc's reader, which tcad
# used until issue 19, crashed on the petsc-* ones with exit 59): each is refused with exactly one
# line on stderr, 'tcad: error: FILE:LINE: ...', exit 4, in bounded memory (ulimit -v 4 GiB).
for f in "$TCAD_ROOT"/tests/data/fuzz-gmsh/*.msh; do
  n=$(basename "$f" .msh)
  ( ulimit -v 4194304; $wrap "$T" info "$f" >"$W/fuzz.$n.out" 2>"$W/fuzz.$n.err" ); rc=$?
  lines=$(wc -l <"$W/fuzz.$n.err")
  if [ "$rc" -eq 4 ] && [ "$lines" -eq 1 ] && grep -q "^tcad: error: $f:[0-9]*: " "$W/fuzz.$n.err"; then ok "mesh.fuzz_$n"
  else bad "mesh.fuzz_$n" "exit $rc, $lines lines on stderr: $(head -c 300 "$W/fuzz.$n.err")"; fi
done

cat >"$W/inverted.yaml" <<YAML
mesh: {file: $D/inverted.msh}
regions: [{name: bulk, material: Si}]
contacts: [{name: south}]
YAML
expect mesh.inverted 4 "inverted" -- info "$W/inverted.yaml"
expect mesh.inverted_direct 4 "inverted.msh.*inverted" -- info "$D/inverted.msh"
sed "s#inverted.msh#degenerate.msh#" "$W/inverted.yaml" >"$W/degenerate.yaml"
expect mesh.degenerate 4 "zero area" -- info "$W/degenerate.yaml"

cat >"$W/missing-region.yaml" <<YAML
mesh: {file: $D/square-41.msh}
regions:
  - {name: bottom, material: Si}
  - {name: top, material: Si}
  - {name: nonexistent, material: SiO2}
YAML
expect mesh.missing_region 4 "missing-region.yaml:5:[0-9]+: region 'nonexistent' is not in the mesh" -- info "$W/missing-region.yaml"
cat >"$W/unlisted-region.yaml" <<YAML
mesh: {file: $D/square-41.msh}
regions: [{name: bottom, material: Si}]
YAML
expect mesh.unlisted_region 3 "region 'top'" -- info "$W/unlisted-region.yaml"
square_deck "$W/missing-contact.yaml" "$D/square-41.msh"
sed -i 's/{name: north, type: ohmic}/{name: east, type: ohmic}/' "$W/missing-contact.yaml"
expect mesh.missing_contact 4 "missing-contact.yaml:[0-9]+:[0-9]+: contact 'east' is not in the mesh" -- info "$W/missing-contact.yaml"

cat >"$W/gen-empty-contact.yaml" <<YAML
mesh:
  generate:
    x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]
regions: [{name: si, material: Si, box: {x: [0, 1]}}]
contacts:
  - {name: left, box: {x: [0, 0]}}
  - {name: floating, box: {x: [0.45, 0.55]}}
YAML
expect mesh.contact_on_no_node 4 "gen-empty-contact.yaml:7:[0-9]+: contact 'floating' touches no mesh node" -- info "$W/gen-empty-contact.yaml"

# the same mesh in four encodings gives the same mesh
ref=""
for v in 22 22b 41 41b; do
  square_deck "$W/sq$v.yaml" "$D/square-$v.msh"
  "$T" info "$W/sq$v.yaml" >"$W/sq$v.out" 2>&1 || { bad "mesh.format_$v" "$(tail -2 "$W/sq$v.out")"; continue; }
  sig=$(grep -E '^  [0-9]D|^  (bottom|top|south|north) ' "$W/sq$v.out" | sed 's/measure.*//')
  if [ -z "$ref" ]; then ref=$sig; ok "mesh.format_$v"; elif [ "$sig" = "$ref" ]; then ok "mesh.format_$v"; else bad "mesh.format_$v" "differs from msh22: $sig"; fi
done

# a model that is not implemented: clear error naming its deck line, exit 6, and nothing written
# (the models are checked before any file is created)
square_deck "$W/solve.yaml" "$D/square-41.msh" "physics: {statistics: fermi}
solve:
  - equilibrium: {}
output: {directory: $W/solve-out}"
expect_sim run.not_implemented 6 "solve.yaml:[0-9]+:[0-9]+: Fermi-Dirac statistics are not implemented" -- run "$W/solve.yaml"
[ ! -e "$W/solve-out" ] && ok run.not_implemented_writes_nothing || bad run.not_implemented_writes_nothing "$W/solve-out exists"

# a bias step that cannot converge (one Newton iteration allowed, no step cutting): exit 10, a
# message naming the bias, the residual history and a suggestion; every converged point before
# it stays readable in the IV table and the field file
square_deck "$W/noconv.yaml" "$D/square-41.msh" "solve:
  - sweep: {contact: north, to: 2.0, step: 0.5, min_step: 0.5}
output: {directory: $W/noconv-out}"
expect_sim run.no_convergence 10 "did not converge at south=0 north=0.5.*residual history \\[.*Every earlier bias point is saved. Try" -- run "$W/noconv.yaml" -snes_max_it 1
if "$TCAD_PYTHON" - "$W/noconv-out" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
iv = np.loadtxt(d + "/iv.csv", delimiter=",", skiprows=1, ndmin=2)
assert iv.shape[0] == 1, iv.shape          # the equilibrium point only
f = h5py.File(d + "/fields.h5", "r")
assert "potential" in f["steps/000001"], list(f["steps/000001"])
assert f["iv"].shape[0] == 1
PY
then ok run.no_convergence_keeps_results; else bad run.no_convergence_keeps_results "earlier points not readable"; fi

# a good run: exit 0, files present, progress/summary on stdout
square_deck "$W/good.yaml" "$D/square-41.msh" "output: {directory: $W/good-out}"
expect run.good 0 "" -- run "$W/good.yaml"
[ -s "$W/good-out/fields.h5" ] && [ -s "$W/good-out/fields.xdmf" ] && ok run.good_files || bad run.good_files "missing output files"
grep -q '^done:' "$W/run.good.out" && ok run.summary_line || bad run.summary_line "no summary"
expect run.output_override 0 "" -- run "$W/good.yaml" -o "$W/override-out" -q
[ -s "$W/override-out/fields.h5" ] && ok run.output_override_used || bad run.output_override_used "-o ignored"
# PETSc options pass through (-log_view prints PETSc's performance summary at exit)
"$T" info "$W/good.yaml" -log_view >"$W/logview.out" 2>&1 && grep -q "Performance Summary" "$W/logview.out" \
  && ok cli.petsc_options_pass_through || bad cli.petsc_options_pass_through "$(tail -3 "$W/logview.out")"
"$T" info -log_view "$W/good.yaml" >"$W/logview2.out" 2>&1 && grep -q "Performance Summary" "$W/logview2.out" \
  && ok cli.petsc_option_before_deck || bad cli.petsc_option_before_deck "$(tail -3 "$W/logview2.out")"
# non-Delaunay elements are counted and located by tcad info (the cube has obtuse boundary tets)
"$T" info "$D/cube-41.msh" >"$W/nd.out" 2>&1
if grep -Eq '^  non-Delaunay: [1-9][0-9]* negative element contributions, [0-9]+ region-edges? with negative total coupling' "$W/nd.out" \
   && grep -Eq '^    element [0-9]+, edge [0-9]+-[0-9]+ at \(' "$W/nd.out"; then ok info.non_delaunay_report; else bad info.non_delaunay_report "$(head -12 "$W/nd.out")"; fi
"$T" info "$TCAD_ROOT/examples/pn1d.yaml" >"$W/d.out" 2>&1
grep -q '^  Delaunay: yes' "$W/d.out" && ok info.delaunay_yes || bad info.delaunay_yes "$(grep -i delaunay "$W/d.out")"
# the complete example in docs/deck.md parses and runs
awk '/^## A complete example/{f=1} f&&/^```yaml/{g=1;next} g&&/^```/{exit} g' "$TCAD_ROOT/docs/deck.md" >"$W/doc-example.yaml"
if [ -s "$W/doc-example.yaml" ]; then expect docs.deck_example_runs 0 "" -- info "$W/doc-example.yaml"
else bad docs.deck_example_runs "no yaml block under 'A complete example' in docs/deck.md"; fi
# every shipped example deck runs
for ex in "$TCAD_ROOT"/examples/*.yaml; do
  n=$(basename "$ex" .yaml)
  expect_sim "example.$n" 0 "" -- run "$ex" -o "$W/ex-$n" -q
done
# the example n-MOSFET: subthreshold slope in the 60-90 mV/dec of a bulk MOSFET of this
# geometry (the ideal limit is ln(10) kT/q = 59.6 mV/dec at 300 K), drain current saturating
# at high V_d, and terminal currents summing to zero (Kirchhoff)
if "$TCAD_PYTHON" - "$W/ex-mosfet2d/iv.csv" <<'PY'
import sys, numpy as np
cols = open(sys.argv[1]).readline().strip().split(",")
iv = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
c = {name.split(" [")[0]: k for k, name in enumerate(cols)}
vg, vd, idr = iv[:, c["V(gate)"]], iv[:, c["V(drain)"]], iv[:, c["I(drain)"]]
tot = sum(iv[:, c["I(%s)" % n]] for n in ("source", "drain", "bulk", "gate"))
assert np.all(np.abs(tot) <= 1e-9 * np.abs(idr).max() + 1e-15), np.abs(tot).max()
idvg = np.isclose(vd, 0.05) & (vg > 0.01) & (vg <= 0.2)
s = np.polyfit(np.log10(idr[idvg]), vg[idvg], 1)[0] * 1e3
print("subthreshold slope %.1f mV/dec" % s)
assert 60 <= s <= 90, s
out = np.isclose(vg, 1.5) & (vd >= 0.049)
vdo, ido = vd[out], idr[out]
g_lin = (ido[1] - ido[0]) / (vdo[1] - vdo[0])
g_sat = (ido[-1] - ido[-3]) / (vdo[-1] - vdo[-3])
print("output conductance: linear %.3g S/cm, at Vd = 3 V %.3g S/cm" % (g_lin, g_sat))
assert g_sat < 0.1 * g_lin, (g_lin, g_sat)
PY
then ok example.mosfet2d_idvg_idvd; else bad example.mosfet2d_idvg_idvd "subthreshold slope, saturation or current balance off"; fi
# a bad option is refused before the run starts (no backend line, nothing written)
expect run.unknown_transport_option 3 "-tcad_transport hydro: unknown; use drift-diffusion, energy-balance" -- run "$TCAD_ROOT/examples/ballistic1d.yaml" -o "$W/bad-transport" -q -tcad_transport hydro -tcad_backend "$backend"
[ ! -e "$W/bad-transport" ] && ok run.unknown_transport_option_writes_nothing || bad run.unknown_transport_option_writes_nothing "$W/bad-transport exists"
# nothing is touched before everything is checked (issue 18): a refused model and a bad option
# leave an earlier run's results in the folder byte for byte
tiny_deck "$W/tiny.yaml"
expect_sim run.tiny 0 "" -- run "$W/tiny.yaml" -o "$W/keep" -q
(cd "$W/keep" && md5sum fields.h5 fields.xdmf iv.csv summary.json) >"$W/keep.md5"
sed 's/^solve:/physics: {statistics: fermi}\nsolve:/' "$W/tiny.yaml" >"$W/fermi.yaml"
expect_sim run.refused_model 6 "fermi.yaml:[0-9]+:[0-9]+: Fermi-Dirac statistics are not implemented" -- run "$W/fermi.yaml" -o "$W/keep" -q
(cd "$W/keep" && md5sum -c --quiet "$W/keep.md5") >/dev/null 2>&1 && ok run.refused_model_keeps_results \
  || bad run.refused_model_keeps_results "the earlier run's files changed"
expect run.bad_linear_option 3 "-tcad_linear foo: unknown" -- run "$W/tiny.yaml" -o "$W/keep" -q -tcad_linear foo -tcad_backend "$backend"
(cd "$W/keep" && md5sum -c --quiet "$W/keep.md5") >/dev/null 2>&1 && ok run.bad_option_keeps_results \
  || bad run.bad_option_keeps_results "the earlier run's files changed"
# an earlier run's results stay until the new run's first converged point is on disk: a run that
# fails at equilibrium leaves them byte for byte (and no staging folder); one that gets further
# replaces them, its XDMF naming fields.h5
expect_sim run.fails_at_equilibrium 10 "earlier results in .*keep are kept" -- run "$W/tiny.yaml" -o "$W/keep" -q -tcad_update_tol 1e-300 -tcad_residual_tol 1e-300 -snes_max_it 2
(cd "$W/keep" && md5sum -c --quiet "$W/keep.md5") >/dev/null 2>&1 && [ ! -e "$W/keep/.tcad-new" ] \
  && ok run.fails_at_equilibrium_keeps_results || bad run.fails_at_equilibrium_keeps_results "changed, or .tcad-new left"
sed 's/^solve:.*/solve: [{equilibrium: {}}, {sweep: {contact: b, to: 0.2, step: 0.1}}]/' "$W/tiny.yaml" >"$W/tiny-sweep.yaml"
expect_sim run.replaces_results 0 "" -- run "$W/tiny-sweep.yaml" -o "$W/keep" -q
rows=$(($(wc -l <"$W/keep/iv.csv") - 1))
[ "$rows" -eq 3 ] && [ ! -e "$W/keep/.tcad-new" ] && grep -q '>fields.h5:/mesh/geometry<' "$W/keep/fields.xdmf" \
  && ok run.replaces_results_after_first_point || bad run.replaces_results_after_first_point "iv rows $rows (3 expected), or .tcad-new left, or the XDMF does not name fields.h5"
# a mesh-only run replaces the fields and removes the earlier run's table and summary (not its)
sed '/^solve:/d' "$W/tiny.yaml" >"$W/tiny-mesh.yaml"
expect run.mesh_only_into_results 0 "" -- run "$W/tiny-mesh.yaml" -o "$W/keep" -q
[ -s "$W/keep/fields.h5" ] && [ ! -e "$W/keep/iv.csv" ] && [ ! -e "$W/keep/summary.json" ] \
  && ok run.mesh_only_removes_stale_table || bad run.mesh_only_removes_stale_table "$(ls "$W/keep")"
# the progress line of a bias point comes only once its IV row and fields are on disk
if "$TCAD_PYTHON" - "$T" "$W/tiny.yaml" "$W/progress" "$backend" <<'PY'
import os, signal, subprocess, sys, h5py
t, deck, out, backend = sys.argv[1:5]
text = open(deck).read().replace("solve: [{equilibrium: {}}]", "solve: [{equilibrium: {}}, {sweep: {contact: b, to: 1, step: 0.1}}]")
open(out + ".yaml", "w").write(text)
p = subprocess.Popen([t, "run", out + ".yaml", "-o", out, "-tcad_backend", backend], stdout=subprocess.PIPE, text=True)
seen = 0
for line in p.stdout:
    if line.startswith("  equilibrium") or line.startswith("  sweep "):
        os.kill(p.pid, signal.SIGSTOP)  # the run stands still while its files are read
        seen += 1
        try:
            rows = sum(1 for _ in open(out + "/iv.csv")) - 1
            with h5py.File(out + "/fields.h5", "r") as f:  # the mesh step and one per point
                steps = len(f["steps"])
            assert rows >= seen and steps >= seen + 1, (seen, rows, steps)
        except BaseException:
            os.kill(p.pid, signal.SIGKILL)
            raise
        finally:
            os.kill(p.pid, signal.SIGCONT)
assert p.wait() == 0 and seen == 11, seen
PY
then ok run.progress_after_files; else bad run.progress_after_files "a progress line came before its point was on disk"; fi
# one run per output folder: a second run into a folder a running run holds is refused
sed 's/^mesh: .*/mesh: {generate: {x: [{at: 0, step: 0.0005}, {at: 1, step: 0.0005}]}}/; s/^solve:.*/solve: [{equilibrium: {}}, {sweep: {contact: b, to: 100, step: 0.01}}]/' "$W/tiny.yaml" >"$W/long.yaml"
"$T" run "$W/long.yaml" -o "$W/busy" -q -tcad_backend "$backend" >/dev/null 2>&1 & busy=$!
for _ in $(seq 1 100); do [ -s "$W/busy/.tcad-lock" ] && break; sleep 0.1; done
expect output.folder_in_use 5 "the output folder .*busy is in use by another tcad run \\(pid $busy\\)" -- run "$W/tiny.yaml" -o "$W/busy" -q
kill "$busy" 2>/dev/null; wait "$busy" 2>/dev/null
# output names that would collide, a name the output cannot hold, a path beyond the limit
for c in "xdmf|{fields: out.xdmf}|output.fields and the XDMF index beside output.fields would both be 'out.xdmf'" \
         "iv|{fields: a.csv, iv: a.csv}|output.fields and output.iv would both be 'a.csv'" \
         "summary|{iv: ./summary.json}|output.iv and the run summary would both be"; do
  IFS='|' read -r n o re <<<"$c"
  { cat "$W/tiny.yaml"; echo "output: $o"; } >"$W/collide-$n.yaml"
  expect "output.collision_$n" 3 "collide-$n.yaml:6:[0-9]+: $re" -- run "$W/collide-$n.yaml" -o "$W/collide-$n" -q
  [ ! -e "$W/collide-$n" ] && ok "output.collision_${n}_writes_nothing" || bad "output.collision_${n}_writes_nothing" "$W/collide-$n exists"
done
sed 's/name: a,/name: an\/ode,/' "$W/tiny.yaml" >"$W/slash.yaml"
expect deck.name_with_slash 3 "slash.yaml:3:[0-9]+: 'contacts\\[0\\].name' is 'an/ode': the character '/' cannot be in a name" -- run "$W/slash.yaml" -o "$W/slash" -q
long="$W/$(printf 'd%.0s' $(seq 1 1100))"
expect output.path_too_long 2 "-o: the output folder's path is ${#long} characters long; at most 1023" -- run "$W/tiny.yaml" -o "$long" -q
# every -tcad_* option with its help text and default, without running anything
expect cli.options_help 0 "" -- run "$TCAD_ROOT/examples/pn1d.yaml" -help
missing=""
for o in -tcad_backend -tcad_linear -tcad_linear_rtol -tcad_damp_volts -tcad_hf_floor -tcad_trace; do
  grep -q "^  $o[ :]" "$W/cli.options_help.out" || missing="$missing $o"
done
[ -z "$missing" ] && ok cli.options_help_lists || bad cli.options_help_lists "not listed:$missing"
# an option nothing used is reported at the end of the run
expect_sim run.unused_option 0 "option -tcad_damp_volt 0.1 was given but nothing used it" -- run "$TCAD_ROOT/examples/pn1d.yaml" -o "$W/unused" -q -tcad_damp_volt 0.1
# the trace: every frame from where the error was raised up to the command
expect run.trace 5 "TcadDeckLoad \\(io/deck.c:[0-9]+\\)" -- run "$W/no-such-deck.yaml" -tcad_trace
grep -q "tcad_app_run (app/tcad.c:" "$W/run.trace.err" && ok run.trace_reaches_the_command || bad run.trace_reaches_the_command "$(cat "$W/run.trace.err")"
# the energy-balance example writes its temperature, velocity and energy-flux fields to the
# HDF5 file with units, and the XDMF index (what ParaView reads) names them
if "$TCAD_PYTHON" - "$W/ex-ballistic1d/fields.h5" "$W/ex-ballistic1d/fields.xdmf" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
last = f["steps"]["%06d" % (f["steps"].attrs["nsteps"] - 1)]
want = {"electron_temperature": ("K", 1), "hole_temperature": ("K", 1), "electron_velocity": ("cm/s", 3),
        "hole_velocity": ("cm/s", 3), "electron_energy_flux": ("W/cm^2", 3), "hole_energy_flux": ("W/cm^2", 3)}
x = open(sys.argv[2]).read()
for name, (unit, comp) in want.items():
    d = last[name]
    u = d.attrs["units"]
    assert (u.decode() if isinstance(u, bytes) else u) == unit, (name, u)
    assert (d.ndim == 1) == (comp == 1), (name, d.shape)
    assert 'Name="%s"' % name in x, name
assert last["electron_temperature"][:].max() > 1500, last["electron_temperature"][:].max()
PY
then ok example.ballistic1d_energy_fields; else bad example.ballistic1d_energy_fields "energy-balance fields missing or wrong in fields.h5/fields.xdmf"; fi
# tcad materials Si prints the values with their units (silicon's relative permittivity 11.7 and
# n_i 1e10 cm^-3 at 300 K, Sproul & Green 1991: docs/physics values, not read from the code);
# tcad materials lists each parameter's unit and the range a deck value must be in
"$T" materials Si >"$W/mat.out" 2>&1
if grep -Eq '^  permittivity +11\.7 +\(no unit\)$' "$W/mat.out" && grep -Eq '^  ni +1e\+10 +cm\^-3$' "$W/mat.out" \
   && grep -Eq '^  vsat +\[10700000, 8370000\] +cm/s$' "$W/mat.out"; then ok cli.materials_values
else bad cli.materials_values "$(head -8 "$W/mat.out")"; fi
"$T" materials >"$W/mat2.out" 2>&1
grep -Eq '^  bandgap +eV +0\.01 to 15$' "$W/mat2.out" && ok cli.materials_ranges || bad cli.materials_ranges "$(head -6 "$W/mat2.out")"
expect cli.materials_unknown 2 "no built-in material 'Xx'; the built-in ones are Si, SiO2" -- materials Xx
# the h5py snippet of docs/output.md runs on a real run's file (the pn1d example's)
awk '/^## Reading a field with h5py/{f=1} f&&/^```python/{g=1;next} g&&/^```/{exit} g' "$TCAD_ROOT/docs/output.md" \
  | sed "s#tcad-out/pn1d/fields.h5#$W/ex-pn1d/fields.h5#" >"$W/h5snippet.py"
if [ -s "$W/h5snippet.py" ] && "$TCAD_PYTHON" "$W/h5snippet.py" >"$W/h5snippet.out" 2>&1; then ok docs.h5py_snippet_runs
else bad docs.h5py_snippet_runs "$(tail -3 "$W/h5snippet.out" 2>/dev/null)"; fi
# scripts/render-doping.py on the example MOSFET's run, with the ParaView that Debian ships
# (5.11): the picture shows the device, n+ (red) and p (blue) doping. Needs pvbatch and xvfb-run
# (apt-get install paraview python3-paraview xvfb), which make test does not install (~1 GB).
if command -v pvbatch >/dev/null && command -v xvfb-run >/dev/null && [ -s "$W/ex-mosfet2d/fields.xdmf" ]; then
  timeout 300 xvfb-run -a pvbatch "$TCAD_ROOT/scripts/render-doping.py" "$W/ex-mosfet2d/fields.xdmf" "$W/doping.png" \
    "mosfet2d" >"$W/render.out" 2>&1
  if [ -s "$W/doping.png" ] && "$TCAD_PYTHON" - "$W/doping.png" <<'PY'
import sys
import numpy as np
from PIL import Image
a = np.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(int)
h, w, _ = a.shape
a = a[h // 10:, : int(w * 0.85)]  # the device, not the title or the colour bar
r, b = a[..., 0], a[..., 2]
red, blue = np.mean((r > 150) & (r > b + 60)), np.mean((b > 150) & (b > r + 30))
print("red %.4f, blue %.4f of the frame" % (red, blue))  # measured: 0.0062, 0.318
assert red > 0.002 and blue > 0.1, (red, blue)
PY
  then ok scripts.render_doping; else bad scripts.render_doping "$(tail -3 "$W/render.out")"; fi
  # regions by name (docs/output.md): in each of ParaView's three XDMF readers, a Threshold on
  # the cell array region_oxide at the last time keeps exactly the oxide's cells (counted here
  # from /mesh/cell_region and /mesh/region_names with h5py) with the node fields on them
  want=$("$TCAD_PYTHON" -c "import h5py,sys; f=h5py.File(sys.argv[1]); n=[x.decode() for x in f['mesh/region_names'][...]]; print(int((f['mesh/cell_region'][...]==n.index('oxide')).sum()))" "$W/ex-mosfet2d/fields.h5")
  cat >"$W/regions.py" <<'PY'
import sys
from paraview import servermanager as sm
from paraview.simple import Threshold, XDMFReader, Xdmf3ReaderS, Xdmf3ReaderT
for kind, make in (("xdmf2", lambda p: XDMFReader(FileNames=[p])), ("xdmf3s", lambda p: Xdmf3ReaderS(FileName=[p])),
                   ("xdmf3t", lambda p: Xdmf3ReaderT(FileName=[p]))):
    r = make(sys.argv[1])
    th = Threshold(Input=r, Scalars=["CELLS", "region_oxide"], LowerThreshold=1, UpperThreshold=1)
    th.UpdatePipeline(r.TimestepValues[-1])
    d = sm.Fetch(th)
    print(kind, d.GetNumberOfCells(), d.GetPointData().GetArray("potential") is not None)
PY
  timeout 300 xvfb-run -a pvbatch "$W/regions.py" "$W/ex-mosfet2d/fields.xdmf" >"$W/regions.out" 2>&1
  if [ -n "$want" ] && [ "$(grep -cE "^xdmf(2|3s|3t) $want True$" "$W/regions.out")" = 3 ]; then ok paraview.region_by_name
  else bad paraview.region_by_name "want $want oxide cells: $(grep -E '^xdmf|Error' "$W/regions.out" | head -4 | tr '\n' ' ')"; fi
else
  echo "SKIP scripts.render_doping: ParaView's pvbatch or xvfb-run not installed (apt-get install paraview python3-paraview xvfb)"
  echo "SKIP paraview.region_by_name: ParaView's pvbatch or xvfb-run not installed"
fi
[ "$fails" -eq 0 ]
