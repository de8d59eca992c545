#!/usr/bin/env python3
"""tcad run --resume (solver/resume.c, docs/output.md "Resuming a run"): a killed run continued in
its folder gives the same results as a run that was never interrupted.

1. A pn diode swept forward (300 points) then reverse (390 points): the run is killed with
   SIGKILL three times at random moments, each time resumed (the later kills hit resumed runs);
   the last resume runs to the end. Its iv.csv is byte for byte the uninterrupted run's (the
   reference is a separate run of the same deck, not the code under test reading its own
   output), /iv in the HDF5 file holds the same numbers, the HDF5 steps and the XDMF grids count
   the same points, and the last point's potential is bitwise the reference's.
   No undo journal is left beside the finished file. `tcad repair` on a killed run's folder
   leaves a file h5py reads (its last point's potential finite); a file instead of a folder is
   refused (exit 2).
2. A run killed inside a breakdown step (p+n junction, vOdM avalanche): the resume goes back to
   the last point before the step and traces it again: the same IV table and breakdown voltage
   as the uninterrupted run.
3. Refusals, each writing nothing: a deck that differs from the run's (exit 3, naming the
   decks' hashes), a folder without a run (exit 5).
4. A failed run (Newton limited by -snes_max_it so a sweep stops, exit 10) resumed with the
   default limits: it finishes, its rows before the failure are those of the failed run, and
   the whole table is that of a run with the default limits from the start (the points before
   the failure converged the same way under both limits). Its summary does not claim a retry
   that min_step made impossible (retried_solves 0, failed_solves 1).
5. save/load: a solution saved by one run (`save:`) and loaded by another (`load:`) gives the
   same currents on the points after it as the run that saved it (to 1e-9); a missing file and
   a save path outside the output folder are refused.
6. A sweep in current (the anode driven from its forward current at 0.6 V up to 100 A/cm² in
   0.02-decade steps) killed part-way and resumed: the uninterrupted run's iv.csv byte for byte.
7. output.fields_every: 7 on the diode's two sweeps, killed twice and resumed: the same iv.csv
   as an uninterrupted run of that deck; node fields exactly at the points the rule names,
   worked out here from the table's own solve_step/step_point columns (a step's first point,
   every 7th after it, its last; the equilibrium); every point has its step with the solver
   state; the XDMF lists exactly the steps with fields, at their point numbers. With
   fields_every: 1000 on the breakdown deck, the breakdown step's last point (at the criterion
   current) has its fields.

    t068-resume.py BUILD_DIR
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402
import tcadrun  # noqa: E402
from tcadrun import TCAD, run, workdir  # noqa: E402

W = workdir("t068")

DIODE = """mesh: {generate: {x: [{at: 0, step: 0.02}, {at: 1, step: 0.001}, {at: 2, step: 0.02}]}}
regions: [{name: silicon, material: Si, box: {x: [0, 2]}}]
contacts: [{name: anode, box: {x: [0, 0]}}, {name: cathode, box: {x: [2, 2]}}]
doping:
  - {profile: box, species: acceptor, conc: 1e17, box: {x: [0, 1]}}
  - {profile: box, species: donor, conc: 1e16, box: {x: [1, 2]}}
solve:
  - equilibrium: {}
  - sweep: {contact: anode, to: 0.9, step: 0.003}
  - sweep: {contact: anode, to: -3.9, step: 0.01}
"""

BREAKDOWN = """mesh: {generate: {x: [{at: 0, step: 0.02}, {at: 0.5, step: 0.004}, {at: 4.0, step: 0.01}, {at: 6, step: 0.05}]}}
regions: [{name: si, material: Si, box: {x: [0, 6]}}]
contacts: [{name: anode, box: {x: [0, 0]}}, {name: cathode, box: {x: [6, 6]}}]
doping:
  - {profile: box, species: acceptor, conc: 1e19, box: {x: [0, 0.5]}}
  - {profile: box, species: donor, conc: 1e16, box: {x: [0.5, 6]}}
physics: {impact_ionization: vanoverstraeten, recombination: [srh]}
solve:
  - equilibrium: {}
  - sweep: {contact: cathode, to: 5, step: 0.25}
  - breakdown: {contact: cathode, to: 90, step: 2, current: 1e-2}
"""


def write(name, text):
    return tcadrun.write(W, name, text)


def rows(out):
    path = os.path.join(out, "iv.csv")
    return open(path).read().splitlines() if os.path.exists(path) else []


def kill_when(deck, out, nrows=None, delay=None, *extra):
    """start a run, SIGKILL it once iv.csv has nrows lines or after delay seconds"""
    p = subprocess.Popen([TCAD, "run", deck, "-o", out, "-q", *extra], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < 60:
        if nrows is not None and len(rows(out)) >= nrows:
            break
        if delay is not None and time.time() - t0 >= delay:
            break
        time.sleep(0.005)
    killed = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    return killed


def last_potential(out):
    with h5py.File(os.path.join(out, "fields.h5"), "r") as f:
        n = int(f["steps"].attrs["nsteps"])
        return f["steps/%06d/potential" % (n - 1)][...], n, f["iv"][...]


# 1. kill, resume, kill, resume ... = uninterrupted
deck = write("diode.yaml", DIODE)
ref = os.path.join(W, "ref")
r = run(deck, ref)
check(r.returncode == 0, "diode.reference_runs", r.stderr[-300:])
out = os.path.join(W, "res")
random.seed(68)
kills = 0
first = kill_when(deck, out, None, random.uniform(0.8, 1.5))
kills += first
for k in range(2):
    kills += kill_when(deck, out, None, random.uniform(0.3, 0.8), "--resume")
r = run(deck, out, "--resume")
print(f"# {kills} of 3 runs killed before their end; rows before the last resume: see below")
check(r.returncode == 0, "diode.resumed_run_finishes", r.stderr[-300:])
check(kills >= 1, "diode.a_run_was_killed", "every run finished before its kill; the test killed nothing")
a, b = rows(ref), rows(out)
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
check(len(a) > 600 and a == b, "diode.same_iv_table",
      f"{len(a)} vs {len(b)} lines; first differing line {diff[:1]}: {a[diff[0]] if diff else ''} | "
      f"{b[diff[0]] if diff else ''}")
pa, na, iva = last_potential(ref)
pb, nb, ivb = last_potential(out)
check(na == nb and iva.shape == ivb.shape and np.array_equal(iva, ivb), "diode.same_hdf5_table_and_steps",
      f"steps {na} vs {nb}, /iv {iva.shape} vs {ivb.shape}")
check(np.array_equal(pa, pb), "diode.last_potential_bitwise", f"largest difference {np.abs(pa - pb).max():.3e}")
xa = open(os.path.join(ref, "fields.xdmf")).read().count("<Time ")
xb = open(os.path.join(out, "fields.xdmf")).read().count("<Time ")
check(xa == xb == na, "diode.xdmf_lists_every_point", f"{xa} vs {xb} grids, {na} steps")
check(not os.path.exists(os.path.join(out, "fields.h5.undo")), "diode.no_undo_journal_left",
      str(sorted(os.listdir(out))))

# 1b. tcad repair after a kill (io/output_undo.c; every kill moment is covered by t034): the
# folder's field file then opens in h5py (HDF5's default driver), its committed steps readable
rep = os.path.join(W, "repair")
killed = kill_when(deck, rep, None, random.uniform(0.5, 1.0))
r = subprocess.run([TCAD, "repair", rep], capture_output=True, text=True)
check(r.returncode == 0 and not os.path.exists(os.path.join(rep, "fields.h5.undo")), "repair.after_a_kill",
      f"killed {killed}, exit {r.returncode}: {r.stdout[-200:]} {r.stderr[-300:]}")
try:
    pr, nr, _ = last_potential(rep)
    check(nr >= 1 and np.all(np.isfinite(pr)), "repair.file_reads_in_h5py", f"{nr} steps")
except Exception as ex:  # noqa: BLE001
    check(False, "repair.file_reads_in_h5py", str(ex))
r = subprocess.run([TCAD, "repair", os.path.join(rep, "iv.csv")], capture_output=True, text=True)
check(r.returncode == 2 and "is not a folder" in r.stderr, "repair.refuses_a_file", f"exit {r.returncode}: {r.stderr}")

# 2. a kill inside the breakdown step
bdeck = write("bd.yaml", BREAKDOWN)
bref, bout = os.path.join(W, "bref"), os.path.join(W, "bres")
r = run(bdeck, bref)
check(r.returncode == 0, "breakdown.reference_runs", r.stderr[-300:])
killed = kill_when(bdeck, bout, 32)  # the equilibrium and the sweep are 22 rows with the header
n_at_kill = len(rows(bout))
r = subprocess.run([TCAD, "run", bdeck, "-o", bout, "--resume"], capture_output=True, text=True)
print(f"# breakdown run killed with {n_at_kill} lines in iv.csv; resume said: "
      + " | ".join(line for line in r.stdout.splitlines() if line.startswith("resume:")))
check(killed and n_at_kill > 22, "breakdown.killed_inside_the_step", f"killed {killed}, {n_at_kill} lines")
check(r.returncode == 0 and "resume: after point 20 (solve step 2" in r.stdout, "breakdown.back_to_the_step_start",
      r.stderr[-300:] + " / " + " | ".join(r.stdout.splitlines()[:12]))
check(rows(bref) == rows(bout), "breakdown.same_iv_table", f"{len(rows(bref))} vs {len(rows(bout))} lines")
sa = open(os.path.join(bref, "summary.json")).read()
sb = open(os.path.join(bout, "summary.json")).read()
bv = [line.strip() for line in sa.splitlines() if "breakdown_voltage" in line]
check(bv and bv == [line.strip() for line in sb.splitlines() if "breakdown_voltage" in line],
      "breakdown.same_breakdown_voltage", f"{bv} vs {[x for x in sb.splitlines() if 'breakdown_voltage' in x]}")

# 3. refusals
other = write("other.yaml", DIODE.replace("to: -3.9", "to: -3.8"))
before = sorted(os.listdir(out))
mtime = os.path.getmtime(os.path.join(out, "iv.csv"))
r = run(other, out, "--resume")
check(r.returncode == 3 and "is not the deck the run in" in r.stderr and "fnv1a64:" in r.stderr,
      "refuse.changed_deck", f"exit {r.returncode}: {r.stderr[-300:]}")
check(sorted(os.listdir(out)) == before and os.path.getmtime(os.path.join(out, "iv.csv")) == mtime,
      "refuse.changed_deck_writes_nothing", str(sorted(os.listdir(out))))
empty = os.path.join(W, "empty")
r = run(deck, empty, "--resume")
check(r.returncode == 5 and "holds no run to continue" in r.stderr, "refuse.nothing_to_resume",
      f"exit {r.returncode}: {r.stderr[-300:]}")

# 4. a failed run, resumed with the default Newton limit
fail = os.path.join(W, "fail")
fdeck = write("fail.yaml", DIODE.replace("step: 0.003", "step: 0.45, min_step: 0.45"))
r = run(fdeck, fail, "-snes_max_it", "7")
failed_rows = rows(fail)
check(r.returncode == 10 and len(failed_rows) >= 2, "failed.stops", f"exit {r.returncode}, {len(failed_rows)} lines")
# the summary does not claim a retry the step limits made impossible: the step is its own
# min_step, so the failed solve was not retried
cost = json.load(open(os.path.join(fail, "summary.json")))["cost"]
line = next((x for x in r.stdout.splitlines() if x.startswith("solve:") and "bias points" in x), "")
check(cost["failed_solves"] == 1 and cost["retried_solves"] == 0
      and "(0 failed and retried with a smaller step, 1 failed with no smaller step left)" in line,
      "failed.no_retry_claimed", f"{cost}; {line}")
r = run(fdeck, fail, "--resume")
done = rows(fail)
fref = os.path.join(W, "fref")
run(fdeck, fref)
check(done == rows(fref), "failed.resumed_as_uninterrupted",
      f"{len(done)} vs {len(rows(fref))} lines (the failed run's state and step are those of a run with the "
      "default limits up to its failure)")
check(r.returncode == 0 and done[:len(failed_rows)] == failed_rows and done[-1].split(",")[3] == "-3.9",
      "failed.resumed_to_the_end", f"exit {r.returncode}: {r.stderr[-300:]}; last row {done[-1] if done else ''}")
# 5. save: and load: a solution saved by one run starts another: the same currents on the
# points after it (to 1e-9: the loaded state is re-solved once under the loading deck)
base = DIODE[:DIODE.index("solve:")]
adeck = write("A.yaml", base + """solve:
  - equilibrium: {}
  - sweep: {contact: anode, to: 0.5, step: 0.1}
  - save: {file: states/v05.h5}
  - sweep: {contact: anode, to: 0.7, step: 0.1}
""")
aout = os.path.join(W, "A")
r = run(adeck, aout)
check(r.returncode == 0 and os.path.exists(os.path.join(aout, "states", "v05.h5")), "save.writes_the_file",
      r.stderr[-300:])
bdeck = write("B.yaml", base + """solve:
  - load: {file: A/states/v05.h5}
  - sweep: {contact: anode, to: 0.7, step: 0.1}
""")
bout2 = os.path.join(W, "B")
r = run(bdeck, bout2)
if check(r.returncode == 0, "load.runs", r.stderr[-300:]):
    a = [x.split(",") for x in rows(aout)[1:]]
    b = [x.split(",") for x in rows(bout2)[1:]]
    ia = {float(x[3]): float(x[6]) for x in a}  # V(anode) -> I(anode)
    ib = {float(x[3]): float(x[6]) for x in b}
    common = [v for v in (0.5, 0.6, 0.7) if v in ia and v in ib]
    worst = max((abs(ib[v] - ia[v]) / abs(ia[v]) for v in common), default=1.0)
    check(len(common) == 3 and worst < 1e-9, "load.same_currents_after", f"points {common}, worst relative {worst:.2e}")
r = run(write("C.yaml", base + "solve:\n  - load: {file: A/states/none.h5}\n"), os.path.join(W, "C"))
check(r.returncode == 5 and "cannot read the solution to load" in r.stderr and not os.path.exists(os.path.join(W, "C")),
      "load.missing_file_refused_before_writing", f"exit {r.returncode}: {r.stderr[-300:]}")
r = run(write("D.yaml", base + "solve:\n  - save: {file: ../x.h5}\n"), os.path.join(W, "D"))
check(r.returncode == 3 and "leaves the output folder" in r.stderr and not os.path.exists(os.path.join(W, "D")),
      "save.outside_refused", f"exit {r.returncode}: {r.stderr[-300:]}")

# 6. a sweep in current, killed and resumed
cdeck = write("cur.yaml", base + """solve:
  - equilibrium: {}
  - sweep: {contact: anode, to: 0.6, step: 0.1}
  - sweep: {contact: anode, current: 100, step: 0.02}
""")
cref, cout = os.path.join(W, "curref"), os.path.join(W, "cur")
r = run(cdeck, cref)
nref = len(rows(cref))
check(r.returncode == 0 and nref > 60, "current.reference_runs", f"{nref} lines; {r.stderr[-300:]}")
killed = kill_when(cdeck, cout, 8 + nref // 3)  # well inside the sweep in current
n_at_kill = len(rows(cout))
r = run(cdeck, cout, "--resume")
check(killed and 8 < n_at_kill < nref, "current.killed_inside_the_sweep", f"killed {killed}, {n_at_kill} lines")
a, b = rows(cref), rows(cout)
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
check(r.returncode == 0 and a == b, "current.same_iv_table",
      f"exit {r.returncode}; {len(a)} vs {len(b)} lines; first differing line {diff[:1]}: "
      f"{a[diff[0]] if diff else ''} | {b[diff[0]] if diff else ''}")

# 7. output.fields_every
EVERY = 7
edeck = write("every.yaml", DIODE + "output: {fields_every: %d}\n" % EVERY)
eref, eout = os.path.join(W, "everyref"), os.path.join(W, "every")
r = run(edeck, eref)
check(r.returncode == 0, "every.reference_runs", r.stderr[-300:])
random.seed(7)
killed = kill_when(edeck, eout, None, random.uniform(0.5, 1.0))
killed += kill_when(edeck, eout, None, random.uniform(0.3, 0.6), "--resume")
r = run(edeck, eout, "--resume")
check(killed >= 1 and r.returncode == 0 and rows(eref) == rows(eout), "every.resumed_same_iv_table",
      f"{killed} killed; exit {r.returncode}; {len(rows(eref))} vs {len(rows(eout))} lines")
for name, out in (("reference", eref), ("resumed", eout)):
    lines = rows(out)
    head = [h.split(" [")[0] for h in lines[0].split(",")]
    tab = [[float(x) for x in line.split(",")] for line in lines[1:]]
    ip, iss, isp = head.index("point"), head.index("solve_step"), head.index("step_point")
    want = set()
    for i, row in enumerate(tab):
        last = i + 1 == len(tab) or tab[i + 1][iss] != row[iss]
        if row[isp] % EVERY == 0 or last:
            want.add(int(row[ip]))
    with h5py.File(os.path.join(out, "fields.h5"), "r") as f:
        n = int(f["steps"].attrs["nsteps"])
        have = {int(f["steps/%06d" % k].attrs["time"]) for k in range(1, n) if "potential" in f["steps/%06d" % k]}
        state = all("solver_state" in f["steps/%06d" % k] for k in range(1, n))
    check(n == len(tab) + 1 and state, f"every.{name}.a_step_per_point_with_its_state",
          f"{n} steps for {len(tab)} points")
    check(have == want and len(want) < len(tab) / 4, f"every.{name}.fields_where_the_rule_says",
          f"extra {sorted(have - want)[:8]}, missing {sorted(want - have)[:8]}, {len(want)} of {len(tab)}")
    times = [float(t) for t in re.findall(r'<Time Value="([^"]*)"', open(os.path.join(out, "fields.xdmf")).read())]
    check(times == [-1.0] + sorted(float(p) for p in want), f"every.{name}.xdmf_lists_those",
          f"{len(times)} grids for {len(want)} points with fields: {times[:8]}")
bdout = os.path.join(W, "bdevery")
r = run(write("bdevery.yaml", BREAKDOWN + "output: {fields_every: 1000}\n"), bdout)
if check(r.returncode == 0, "every.breakdown_runs", r.stderr[-300:]):
    with h5py.File(os.path.join(bdout, "fields.h5"), "r") as f:
        n = int(f["steps"].attrs["nsteps"])
        with_fields = [k for k in range(1, n) if "potential" in f["steps/%06d" % k]]
        bd_steps = [k for k in range(1, n) if f["steps/%06d" % k].attrs["solve_step"] == 3]
    check(bd_steps and with_fields[-2:] == [bd_steps[0], n - 1] and len(with_fields) == 5,
          "every.breakdown_end_has_fields", f"steps with fields {with_fields}; breakdown steps {bd_steps[:3]}.. of {n}")
sys.exit(status())
