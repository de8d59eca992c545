#!/usr/bin/env python3
"""The avalanche current of each contact (the IV table's I_aval(contact) columns, solver/avalanche.c).

Each contact's share of the impact-ionization current is q sum_i (u_c - v_c)_i G_i with u_c, v_c
the probabilities that an electron, a hole made at node i leaves through contact c. Checked
against what can be known without that computation:

1. The example 2D n-MOSFET (examples/mosfet2d.yaml) with van Overstraeten-de Man avalanche, V_g =
   1 V, V_d swept to 1.5 V: the holes the drain's high field makes leave through the bulk contact,
   so the bulk's avalanche share equals its terminal current (the weight-function current of
   solver/contacts.c, a separate computation), within 1e-3, once the generation is 100x the
   bulk's leakage (checked at V_d = 0: < 1e-12 A/cm); the electrons leave through the drain,
   whose share is the whole avalanche current (I_aval) within 1e-3; the shares sum to zero
   (Kirchhoff) to 1e-9 of I_aval; the gate (no carriers) has none.
2. A 1D p+n junction at breakdown (two contacts): the cathode's share is +I_aval, the anode's
   -I_aval (electrons drift to the n side, holes to the p side), within 1e-6 where the generation
   is more than 1e-3 of the current; and at the last
   point, where the avalanche carries the current, I_aval(cathode) is the cathode current within 1 %.

    t066-avalanche-current.py BUILD_DIR
"""
import csv
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rows_of(out):
    rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
    # column names carry their unit: "I(bulk) [A/cm]"
    return [{k.split(" [")[0]: float(v) for k, v in r.items()} for r in rows]


def mosfet_deck():
    text = open(os.path.join(ROOT, "examples", "mosfet2d.yaml")).read()
    text = text.replace("file: mosfet2d.msh", "file: " + os.path.join(ROOT, "examples", "mosfet2d.msh"))
    text = text.replace("  recombination: [srh, auger]\n",
                        "  recombination: [srh, auger]\n  impact_ionization: vanoverstraeten\n")
    text = text[:text.index("solve:")]
    return text + """solve:
  - equilibrium: {}
  - bias: {gate: 1.0}
  - sweep: {contact: drain, to: 1.5, step: 0.5}
"""


DIODE = """mesh:
  generate:
    x: [{at: 0, step: 0.02}, {at: 0.5, step: 0.0005}, {at: 3.5, step: 0.002}, {at: 5, step: 0.02}]
regions: [{name: si, material: Si, box: {x: [0, 5]}}]
contacts:
  - {name: anode, type: ohmic, box: {x: [0, 0]}}
  - {name: cathode, type: ohmic, box: {x: [5, 5]}}
doping:
  - {profile: box, species: acceptor, conc: 1e20, box: {x: [0, 0.5]}}
  - {profile: box, species: donor, conc: 1e16, box: {x: [0.5, 5]}}
physics: {mobility: constant, high_field: canali, impact_ionization: vanoverstraeten, recombination: [srh]}
solve:
  - breakdown: {contact: cathode, to: 80, step: 2, current: 1e-2}
"""


def run(work, name, deck):
    out = os.path.join(work, name)
    with open(out + ".yaml", "w") as f:
        f.write(deck)
    r = subprocess.run([os.path.join(sys.argv[1] if len(sys.argv) > 1 else "build", "tcad"), "run", out + ".yaml",
                        "-o", out, "-q"], capture_output=True, text=True)
    ok = check(r.returncode == 0, f"avalanche_current.{name}.runs", f"exit {r.returncode}: {r.stderr[-600:]}")
    return rows_of(out) if ok else []


def main():
    work = tempfile.mkdtemp(prefix="t066-", dir=os.environ.get("TCAD_TEST_TMP"))
    rows = run(work, "mosfet2d", mosfet_deck())
    if rows:
        zero = [r for r in rows if abs(r["V(drain)"]) < 1e-9]
        check(zero and max(abs(r["I(bulk)"]) for r in zero) < 1e-12, "avalanche_current.mosfet2d.leakage_small",
              f"I(bulk) at V_d = 0: {[r['I(bulk)'] for r in zero]}")
        high = [r for r in rows if r["V(drain)"] >= 0.99]
        check(len(high) >= 2, "avalanche_current.mosfet2d.points", f"{len(high)} points at V_d >= 1 V")
        wb = max(abs(r["I_aval(bulk)"] / r["I(bulk)"] - 1) for r in high)
        check(wb < 1e-3, "avalanche_current.mosfet2d.bulk_share_is_substrate_current",
              f"worst |I_aval(bulk)/I(bulk) - 1| {wb:.2e}")
        wd = max(abs(r["I_aval(drain)"] / r["I_aval"] - 1) for r in high)
        check(wd < 1e-3, "avalanche_current.mosfet2d.drain_share_is_avalanche_current",
              f"worst |I_aval(drain)/I_aval - 1| {wd:.2e}")
        ks = max(abs(sum(r[f"I_aval({c})"] for c in ("source", "drain", "bulk", "gate"))) / abs(r["I_aval"])
                 for r in high)
        check(ks < 1e-9, "avalanche_current.mosfet2d.kirchhoff", f"worst |sum of shares| / I_aval {ks:.2e}")
        check(all(r["I_aval(gate)"] == 0 for r in rows), "avalanche_current.mosfet2d.gate_none",
              f"{[r['I_aval(gate)'] for r in rows]}")
        for r in high:
            print(f"# V_d {r['V(drain)']:.2f}: I_d {r['I(drain)']:.4e}, I(bulk) {r['I(bulk)']:.5e}, "
                  f"I_aval(bulk) {r['I_aval(bulk)']:.5e}, I_aval(drain) {r['I_aval(drain)']:.5e}, "
                  f"I_aval(source) {r['I_aval(source)']:.2e} A/cm")
    rows = run(work, "diode1d", DIODE)
    if rows:
        # where the generation is more than 1e-3 of the current (below, part of it is made at
        # the depletion edges, where its carriers may diffuse either way: 0.8 % at 2 V)
        big = [r for r in rows if abs(r["I_aval"]) > 1e-3 * abs(r["I(cathode)"])]
        w = max(max(abs(r["I_aval(cathode)"] / r["I_aval"] - 1), abs(r["I_aval(anode)"] / r["I_aval"] + 1))
                for r in big)
        check(w < 1e-6, "avalanche_current.diode1d.two_contacts", f"worst relative deviation from +-I_aval {w:.2e}")
        last = rows[-1]
        check(abs(last["I_aval(cathode)"] / last["I(cathode)"] - 1) < 1e-2, "avalanche_current.diode1d.at_breakdown",
              f"I_aval(cathode) {last['I_aval(cathode)']:.4e}, I(cathode) {last['I(cathode)']:.4e} A/cm^2")
    return status()


if __name__ == "__main__":
    sys.exit(main())
