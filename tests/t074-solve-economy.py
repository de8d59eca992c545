#!/usr/bin/env python3
"""Newton solves that stop when they stop making progress, and a contact behind a resistance
that costs nothing more and reports its current (solver/newton.c, solver/contacts.c).

1. The 1D p+n breakdown deck of `make bench` (bench/pn1d-breakdown.yaml: background 1e16,
   van Overstraeten-de Man) in the
   energy-balance model: its first voltage steps from equilibrium fail until the step is cut
   to 0.25 V. Every failed attempt must end as STALLED (no halving of |F| or of the update for
   a few iterations) and none may run to the iteration limit (30 per pass; before, each attempt
   took 60 iterations, two passes of 30); the breakdown criterion is still reached.
2. A reverse sweep of a 1D p+n junction (1e20 / 1e16), the anode through 200 ohm cm^2, against
   the same sweep without the resistance (the independent reference: at ~1e-8 A/cm^2 the
   resistance drops ~2e-6 V, which moves no current by more than 1e-4 of itself):
   - the Newton iterations of the whole sweep are at most 2 more than without the resistance
     (before: +10 over 11 points, the drive row asking for 1e-6 of terms of ~1e-6 V, below the
     rounding of the contact current it sums);
   - the anode's reported current is the cathode's with the opposite sign, and the current of
     the run without the resistance, within 1e-3 where |I| > 1e-12 A/cm^2 (before, a contact
     behind a resistance reported its node sum, which at a 1e20 cm^-3 contact is rounding noise
     of ~4e-8 A/cm^2: 0 or -4e-8 against 1.1e-8).
3. The same breakdown deck in drift-diffusion with the background at 4e16: the knee (a steep
   rise at multiplication 2) came at 16 V and 6e-8 A/cm^2, where the contact's node sum that the
   load line steers by is at its rounding floor, and no current step converged (found by a batch
   over the background doping). Now the breakdown criterion is reached, and the breakdown voltage
   is within 5 % of the independent ionization integral of tests/t062 (depletion-approximation
   field, electron-initiated integral = 1: 22.5 V; the deck's default Joule driving force gave
   +1.3 % and +2.0 % at 1e16 and 2e16).

    t074-solve-economy.py BUILD_DIR
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avalanche_ref import alpha_vodm  # noqa: E402
from pytap import check, status  # noqa: E402

ROOT = os.environ.get("TCAD_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# the p+n breakdown deck of `make bench` (one file for both)
BREAKDOWN = open(os.path.join(ROOT, "bench", "pn1d-breakdown.yaml")).read()
# the same junction without avalanche, swept in reverse, the anode behind a resistance (%s)
SWEEP = BREAKDOWN[:BREAKDOWN.index("physics:")].replace(
    "{name: anode, box: {x: [0, 0]}}", "{name: anode, box: {x: [0, 0]}, resistance: %s}") + """physics: {mobility: caughey-thomas, recombination: [srh]}
solve:
  - equilibrium: {}
  - sweep: {contact: cathode, to: 10, step: 1}
"""
assert "resistance: %s" in SWEEP


def run(tcad, work, name, text, *opts):
    deck = os.path.join(work, name + ".yaml")
    with open(deck, "w") as f:
        f.write(text)
    out = os.path.join(work, name)
    r = subprocess.run([tcad, "run", deck, "-o", out, *opts], capture_output=True, text=True, timeout=600)
    return r, out


def iv(out):
    rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
    return [{k.split(" [")[0]: float(v) for k, v in r.items()} for r in rows]


def main():
    tcad = os.path.join(sys.argv[1], "tcad")
    work = tempfile.mkdtemp(prefix="t074-", dir=os.environ.get("TCAD_TEST_TMP"))

    # 1. failed attempts stop when they stall
    r, out = run(tcad, work, "eb", BREAKDOWN, "-tcad_transport", "energy-balance")
    if check(r.returncode == 0, "stall.runs", r.stderr[-500:]):
        cuts = re.findall(r"step cut \((\S+) after (\d+) iterations\)", r.stdout)
        print("# failed attempts:", cuts)
        check(len(cuts) >= 1, "stall.the_deck_still_cuts", "no failed attempt: the check below checks nothing")
        check(all(c[0] == "STALLED" for c in cuts), "stall.reason", str(cuts))
        check(all(int(c[1]) < 2 * 30 for c in cuts), "stall.short", str(cuts))
        s = json.load(open(os.path.join(out, "summary.json")))
        check(s.get("breakdown", {}).get("criterion_reached") is True, "stall.criterion_reached", str(s.get("breakdown")))

    # 3. the knee above the rounding floor: 4e16
    text = BREAKDOWN.replace("{profile: box, species: donor, conc: 1e16, box: {x: [0.5, 5]}}",
                             "{profile: box, species: donor, conc: 4e16, box: {x: [0.5, 5]}}")
    assert text != BREAKDOWN
    r, out = run(tcad, work, "dd4e16", text)
    if check(r.returncode == 0, "knee.4e16_runs", r.stderr[-500:]):
        import importlib.util
        spec = importlib.util.spec_from_file_location("t062", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                           "t062-breakdown.py"))
        t062 = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(t062)
        ref = t062.independent_bv(4e16, alpha_vodm, True)
        s = json.load(open(os.path.join(out, "summary.json")))
        bd = s.get("breakdown", {})
        bv = s.get("breakdown_voltage") or float("nan")
        check(bd.get("criterion_reached") is True and abs(bv / ref - 1) < 0.05, "knee.4e16_breakdown_voltage",
              f"{bv} V against the independent integral's {ref:.4g} V ({bd})")

    # 2. a contact behind a resistance
    r0, o0 = run(tcad, work, "r0", SWEEP % "0")
    r1, o1 = run(tcad, work, "r200", SWEEP % "200")
    if check(r0.returncode == 0 and r1.returncode == 0, "resistance.runs", r0.stderr[-300:] + r1.stderr[-300:]):
        c0 = json.load(open(os.path.join(o0, "summary.json")))["cost"]
        c1 = json.load(open(os.path.join(o1, "summary.json")))["cost"]
        print("# Newton iterations without / with the resistance:", c0["newton_iterations"], c1["newton_iterations"],
              "points", c0["bias_points"], c1["bias_points"])
        check(c1["newton_iterations"] <= c0["newton_iterations"] + 2, "resistance.no_extra_iterations",
              f"{c1['newton_iterations']} against {c0['newton_iterations']}")
        a, b = iv(o0), iv(o1)
        check(len(a) == len(b), "resistance.same_points", f"{len(a)} against {len(b)}")
        bad = []
        for p, q in zip(a, b):
            ic = q["I(cathode)"]
            if abs(ic) <= 1e-12:
                continue
            if abs(q["I(anode)"] + ic) > 1e-3 * abs(ic) or abs(q["I(anode)"] - p["I(anode)"]) > 1e-3 * abs(ic):
                bad.append((q["V(cathode)"], q["I(anode)"], ic, p["I(anode)"]))
        print("# V(cathode), I(anode), I(cathode) with R; I(anode) without:",
              [(q["V(cathode)"], q["I(anode)"], q["I(cathode)"], p["I(anode)"]) for p, q in zip(a, b)][-3:])
        check(not bad and len(b) >= 10, "resistance.reported_current", str(bad[:4]))
    return status()


if __name__ == "__main__":
    sys.exit(main())
