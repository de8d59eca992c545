#!/usr/bin/env bash
# tcad batch (docs/batch.md): a plan of small 1D pn-junction cases. Checked: the expansion (--list
# order, --deck), that every case's results equal a `tcad run` of a deck made here from the base
# deck with sed (independent of the plan code), the same under `mpirun -n 2`, a kill -9 in the
# middle and a second run that finishes with every case present once (the finished ones not
# rerun), a case that fails recorded with its reason while the others finish, --retry-failed and
# --case, and malformed plans refused with PLAN:LINE:COL before anything is written.
set -u
T=${TCAD:?run through tests/run.sh}; W="$TCAD_TEST_TMP/batch"; mkdir -p "$W"; cd "$W" || exit 1
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
mpi=(mpirun --allow-run-as-root --oversubscribe -n 2)
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_rmaps_base_oversubscribe=1

cat >base.yaml <<'YAML'
mesh: {generate: {x: [{at: 0, step: 0.02}, {at: 1, step: 0.02}]}}
regions: [{name: si, material: Si, box: {x: [0, 1]}}]
contacts: [{name: a, box: {x: [0, 0]}}, {name: b, box: {x: [1, 1]}}]
doping:
  - {profile: uniform, species: donor, conc: 1e16}
  - {profile: box, species: acceptor, conc: 1e17, box: {x: [0, 0.5]}}
solve:
  - {equilibrium: {}}
  - {sweep: {contact: a, to: 0.5, step: 0.05}}
YAML
cat >plan.yaml <<'YAML'
base: base.yaml
vary:
  doping[0].conc: [1e15, 1e16]
  solve[1].sweep.to: {from: 0.3, to: 0.6, steps: 2}
YAML

# --list: the product, the first key slowest
"$T" batch plan.yaml --list >list.out 2>&1; rc=$?
want=$'1 1e15 0.3\n2 1e15 0.6\n3 1e16 0.3\n4 1e16 0.6'
got=$(awk 'NR > 2 { print $1, $2, $3 }' list.out)
[ "$rc" -eq 0 ] && [ "$got" = "$want" ] && ok batch.list || bad batch.list "rc $rc: $(cat list.out)"
[ ! -e plan-out ] && ok batch.list_writes_nothing || bad batch.list_writes_nothing "plan-out exists"
printf 'base: base.yaml\nvary: {doping.0.conc: [1e15, 1e16], solve.1.sweep.to: [0.3, 0.6]}\n' >flow.yaml
"$T" batch flow.yaml --list >flow.out 2>&1
[ "$(awk 'NR > 2 { print $1, $2, $3 }' flow.out)" = "$want" ] && ok batch.flow_form || bad batch.flow_form "$(cat flow.out)"
"$T" batch plan.yaml --deck 3 >deck3.out 2>&1
grep -q "conc: 1e16" deck3.out && grep -q "to: 0.3" deck3.out && ok batch.deck || bad batch.deck "$(cat deck3.out)"

# the reference: each case's deck made from the base with sed, run alone
ref() { # conc to -> folder ref-conc-to
  sed -e "s/{profile: uniform, species: donor, conc: 1e16}/{profile: uniform, species: donor, conc: $1}/" \
      -e "s/to: 0.5, step: 0.05/to: $2, step: 0.05/" base.yaml >"ref-$1-$2.yaml"
  "$T" run "ref-$1-$2.yaml" -o "ref-$1-$2" -q >/dev/null 2>&1
}
i=0
for conc in 1e15 1e16; do for to in 0.3 0.6; do i=$((i + 1)); ref $conc $to; refs[$i]="ref-$conc-$to"; done; done
same_results() { # batch folder, test name
  local d=$1 name=$2 n=0
  for c in 1 2 3 4; do
    cmp -s "$d/case-00$c/iv.csv" "${refs[$c]}/iv.csv" && n=$((n + 1))
  done
  [ "$n" -eq 4 ] && ok "$name" || bad "$name" "$n of 4 cases have the IV table of their reference run"
}

"$T" batch plan.yaml >run1.out 2>&1; rc=$?
[ "$rc" -eq 0 ] && ok batch.run || bad batch.run "rc $rc: $(tail -n 3 run1.out)"
same_results plan-out batch.same_as_tcad_run
[ "$(grep -c ',done,' plan-out/summary.csv)" -eq 4 ] && head -n1 plan-out/summary.csv | grep -q '^case,doping\[0\].conc,solve\[1\].sweep.to,status' \
  && ok batch.summary || bad batch.summary "$(cat plan-out/summary.csv)"
# the figures' columns (io/extract.c): newton_iterations is the case's summary.json cost; a diode
# table has no gate sweep, so no threshold voltage
col=$(head -n1 plan-out/summary.csv | tr ',' '\n' | grep -n '^newton_iterations$' | cut -d: -f1)
its=$(sed -n 2p plan-out/summary.csv | cut -d, -f"${col:-1}")
want_its=$(grep -o '"newton_iterations": [0-9]*' plan-out/case-001/summary.json | grep -o '[0-9]*$')
vt=$(sed -n 2p plan-out/summary.csv | cut -d, -f"$(head -n1 plan-out/summary.csv | tr ',' '\n' | grep -n '^vt_cc$' | cut -d: -f1)")
[ -n "$col" ] && [ -n "$its" ] && [ "$its" = "$want_its" ] && [ -z "$vt" ] && ok batch.summary_figures \
  || bad batch.summary_figures "newton_iterations column $col: '$its' (summary.json: '$want_its'), vt_cc '$vt'"
"$T" extract plan-out/case-002 >extract.out 2>&1; rc=$?
[ "$rc" -eq 0 ] && [ -s plan-out/case-002/extract.json ] && grep -q "no gate sweep" extract.out && ok batch.extract_a_case \
  || bad batch.extract_a_case "rc $rc: $(cat extract.out)"
"$T" batch plan.yaml >run2.out 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q "0 to run now" run2.out && [ "$(grep -c '^tcad batch plan.yaml: case' plan-out/case-001/log.txt)" -eq 1 ] \
  && ok batch.rerun_skips_done || bad batch.rerun_skips_done "rc $rc: $(cat run2.out)"

# an edited plan: the cases whose deck changed run again, the others stay recorded
sed 's/to: 0.6, steps: 2/to: 0.7, steps: 2/' plan.yaml >plan-edit.yaml
"$T" batch plan-edit.yaml -o plan-out >edit.out 2>&1; rc=$?
[ "$rc" -eq 0 ] && grep -q "2 to run now" edit.out && [ "$(grep -c '^tcad batch plan.yaml: case' plan-out/case-001/log.txt)" -eq 1 ] \
  && grep -q '^2,1e15,0.7,done' plan-out/summary.csv && ok batch.edited_plan_reruns_changed_cases \
  || bad batch.edited_plan_reruns_changed_cases "rc $rc: $(head -n 3 edit.out) $(cat plan-out/summary.csv)"

# MPI: two ranks, the cases shared dynamically, the same results
if command -v mpirun >/dev/null; then
  "${mpi[@]}" "$T" batch plan.yaml -o mpi-out >mpi.out 2>&1; rc=$?
  [ "$rc" -eq 0 ] && ok batch.mpi_run || bad batch.mpi_run "rc $rc: $(tail -n 5 mpi.out)"
  same_results mpi-out batch.mpi_same_as_tcad_run
  ranks=$(grep -h '"rank"' mpi-out/case-*/status.json | sort -u | wc -l)
  [ "$ranks" -eq 2 ] && ok batch.mpi_both_ranks_work || bad batch.mpi_both_ranks_work "cases ran on $ranks rank(s)"
else
  bad batch.mpi_run "mpirun is missing"
fi

# kill -9 in the middle, then the same command again: every case once, the finished ones not rerun
cat >slow.yaml <<'YAML'
base: base.yaml
vary:
  doping[0].conc: {from: 1e15, to: 1e16, steps: 6, scale: log}
  solve[1].sweep.step: [0.002]
YAML
"$T" batch slow.yaml >slow1.out 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -e slow-out/case-002/status.json ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
before=$(ls slow-out/case-*/status.json 2>/dev/null | wc -l)
"$T" batch slow.yaml >slow2.out 2>&1; rc=$?
after=$(grep -c ',done,' slow-out/summary.csv 2>/dev/null)
once=1
for d in slow-out/case-*; do
  n=$(grep -c '^tcad batch slow.yaml: case' "$d/log.txt")
  if [ -e "$d/.was-done" ]; then :; fi
  [ "$n" -le 2 ] || once=0
done
[ "$rc" -eq 0 ] && [ "$before" -ge 2 ] && [ "$before" -lt 6 ] && [ "$after" -eq 6 ] && ok batch.kill_resume \
  || bad batch.kill_resume "rc $rc, $before cases recorded before the kill, $after done after: $(tail -n 3 slow2.out)"
reruns=$(for c in $(seq 1 "$before"); do grep -c '^tcad batch slow.yaml: case' "slow-out/case-00$c/log.txt"; done | sort -u)
[ "$reruns" = "1" ] && ok batch.kill_resume_keeps_finished || bad batch.kill_resume_keeps_finished "log counts $reruns"
# the IV tables of the resumed batch: each point once, in order
good=1
for d in slow-out/case-*; do
  awk -F, 'NR > 1 { if ($1 != NR - 2) bad = 1 } END { exit bad }' "$d/iv.csv" || good=0
done
[ "$good" -eq 1 ] && ok batch.kill_resume_tables || bad batch.kill_resume_tables "an IV table has a point twice or out of order"

# a case that fails (its solution to load is not there) is recorded with its reason; the others finish
cat >fail.yaml <<'YAML'
base: base.yaml
vary:
  solve[0]: [{equilibrium: {}}, {load: {file: nothere.h5}}]
YAML
"$T" batch fail.yaml >fail.out 2>&1; rc=$?
[ "$rc" -eq 10 ] && grep -q '^1,.*,done,' fail-out/summary.csv && grep -q '^2,.*,failed,.*nothere.h5' fail-out/summary.csv \
  && ok batch.failed_case || bad batch.failed_case "rc $rc: $(cat fail-out/summary.csv 2>/dev/null) $(tail -n 2 fail.out)"
"$T" batch fail.yaml --retry-failed >retry.out 2>&1; rc=$?
[ "$rc" -eq 10 ] && grep -q "1 to run now" retry.out && [ "$(grep -c '^tcad batch fail.yaml: case' fail-out/case-002/log.txt)" -eq 2 ] \
  && [ "$(grep -c '^tcad batch fail.yaml: case' fail-out/case-001/log.txt)" -eq 1 ] && ok batch.retry_failed \
  || bad batch.retry_failed "rc $rc: $(cat retry.out)"
"$T" batch plan.yaml --case 3 -o case3-out >case3.out 2>&1; rc=$?
[ "$rc" -eq 0 ] && [ -e case3-out/case-003/status.json ] && [ ! -e case3-out/case-001 ] && cmp -s case3-out/case-003/iv.csv "${refs[3]}/iv.csv" \
  && ok batch.one_case || bad batch.one_case "rc $rc: $(cat case3.out)"

# figures and the PNG: the 1D p+n breakdown deck of make bench at two background dopings; the
# breakdown voltage falls with the doping (abrupt one-sided junction: BV ~ N^-3/4, Sze, so the
# ratio for a doubling is near 2^-0.75 = 0.59), and summary.png is a PNG
cp "$TCAD_ROOT/bench/pn1d-breakdown.yaml" bd.yaml
printf 'base: bd.yaml\nvary: {doping.1.conc: [1e16, 2e16]}\n' >bd-plan.yaml
"$T" batch bd-plan.yaml >bd.out 2>&1; rc=$?
col=$(head -n1 bd-plan-out/summary.csv | tr ',' '\n' | grep -n '^breakdown_voltage$' | cut -d: -f1)
bv1=$(sed -n 2p bd-plan-out/summary.csv | cut -d, -f"${col:-1}"); bv2=$(sed -n 3p bd-plan-out/summary.csv | cut -d, -f"${col:-1}")
python3 -c "import sys; r = float('$bv2') / float('$bv1'); sys.exit(0 if 0.5 < r < 0.75 else 1)" 2>/dev/null \
  && [ "$rc" -eq 0 ] && ok batch.breakdown_figures || bad batch.breakdown_figures "rc $rc, BV $bv1 and $bv2: $(tail -n 3 bd.out)"
if [ "$(head -c 8 bd-plan-out/summary.png 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then ok batch.png
else bad batch.png "no PNG: $(grep -i png bd.out)"; fi

# summary.h5 holds the same table: the breakdown voltages and the statuses of summary.csv
py=${TCAD_PYTHON:-$TCAD_ROOT/.venv/bin/python}
if "$py" -c "import h5py" 2>/dev/null; then
  "$py" - bd-plan-out <<'PY' >h5.out 2>&1 && ok batch.summary_h5 || bad batch.summary_h5 "$(cat h5.out)"
import csv, math, sys
import h5py
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/summary.csv")))
with h5py.File(f"{d}/summary.h5", "r") as f:
    t = f["summary"][...]
    cols = [c.decode() if isinstance(c, bytes) else c for c in f["summary"].attrs["columns"]]
    status = [s.decode() if isinstance(s, bytes) else s for s in f["summary_text/status"][...]]
    bv = t[:, cols.index("breakdown_voltage")]
    conc = t[:, cols.index("doping.1.conc")]
for i, r in enumerate(rows):
    assert status[i] == r["status"], (i, status[i], r["status"])
    assert float(r["breakdown_voltage"]) == bv[i], (i, r["breakdown_voltage"], bv[i])
    assert float(r["doping.1.conc"]) == conc[i]
    assert math.isnan(t[i, cols.index("vt_cc")])
print("ok")
PY
else
  bad batch.summary_h5 "no python with h5py at $py"
fi

# malformed plans: PLAN:LINE:COL, exit 3, nothing written
bad_plan() { # name, plan text, expected message (regex)
  printf '%s\n' "$2" >"p-$1.yaml"
  "$T" batch "p-$1.yaml" >"p-$1.out" 2>&1; local rc=$?
  if [ "$rc" -eq 3 ] && grep -Eq -- "$3" "p-$1.out" && [ ! -e "p-$1-out" ]; then ok "batch.plan_$1"
  else bad "batch.plan_$1" "rc $rc: $(cat "p-$1.out")"; fi
}
bad_plan unknown_key $'base: base.yaml\nvari: {doping.0.conc: [1e15]}' "p-unknown_key.yaml:2:1: .*'vari'.*vary"
bad_plan flow_brackets $'base: base.yaml\nvary: {doping[0].conc: [1e15]}' "YAML syntax error.*must be quoted .*doping.1.conc"
bad_plan no_variation $'base: base.yaml' "p-no_variation.yaml:1:1: the plan varies nothing"
bad_plan empty_list $'base: base.yaml\nvary:\n  doping[0].conc: []' "p-empty_list.yaml:3:19: 'doping\[0\].conc' has no values"
bad_plan zip_lengths $'base: base.yaml\nzip:\n  doping[0].conc: [1e15, 1e16]\n  solve[1].sweep.to: [0.3]' \
  "p-zip_lengths.yaml:4:3: 'zip': 'solve\[1\].sweep.to' has 1 values and 'doping\[0\].conc' 2"
bad_plan index $'base: base.yaml\nvary: {doping.5.conc: [1e15]}' "p-index.yaml:2:8: 'doping.5.conc': the base deck's list has 2 entries"
bad_plan schema $'base: base.yaml\nvary: {"doping[0].conc": [1e15, -3]}' \
  "p-schema.yaml:2:8: case 2 \(doping\[0\].conc = -3\) is not a valid deck"
bad_plan range $'base: base.yaml\nvary: {doping.0.conc: {from: 1e15, to: 1e16}}' "p-range.yaml:2:23: .*steps.*step"
bad_plan unknown_deck_key $'base: base.yaml\nvary: {physics.transprt: [drift-diffusion]}' "case 1 .*transprt"

exit $((fails > 0))
