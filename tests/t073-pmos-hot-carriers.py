#!/usr/bin/env python3
"""The hot-carrier monitor and the gate current of a p-MOSFET (solver/hotcarrier.c,
solver/gatecurrent.c): the example device's generated mesh with every doping's species swapped
and a p+ polysilicon gate (work function 5.25 eV), V_d = −2 V, V_g 0..−2.5 V.

1. I_sub is the substrate's majority-carrier current: the n-well's electrons (the holes impact
   ionization makes flow to the drain and the electrons to the well): I_sub/I_d = |In(bulk)/I(drain)|
   per row, and summary.json's peak is the largest |In(bulk)| of the sweep (checked here
   against the table).
2. The hole path of the injection, on the n-MOSFET itself (faster to solve than this p-MOSFET;
   the holes impact ionization makes near its drain): at V_d 2, V_g 1.5 `carriers: holes` gives a
   gate current > 0 and `both` is the sum of `electrons` and `holes` to rounding (the two
   carriers are summed independently).
"""
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402
import tcadrun  # noqa: E402
from tcadrun import run, workdir  # noqa: E402

W = workdir("t073")
ROOT = os.environ.get("TCAD_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
base = open(os.path.join(ROOT, "examples", "mosfet2d-gen.yaml")).read()
ndev = dev = base[:base.index("solve:")]
dev = dev.replace("species: acceptor", "species: XX").replace("species: donor", "species: acceptor")
dev = dev.replace("species: XX", "species: donor").replace("workfunction: 4.17", "workfunction: 5.25")


def table(out):
    rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
    col = {k.split(" [")[0]: k for k in rows[0]}
    return rows, (lambda r, name: float(r[col[name]]))


# 1. the monitor
deck = dev + """physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}
output: {quantities: [potential], fields_every: 20}
solve:
  - equilibrium: {}
  - sweep: {contact: drain, to: -2.0, step: 0.5}
  - sweep: {contact: gate, to: -2.5, step: 0.5}
"""
out = os.path.join(W, "pmos")
r = run(tcadrun.write(W, "pmos.yaml", deck), out)
if check(r.returncode == 0, "pmos.runs", r.stderr[-400:]):
    rows, get = table(out)
    worst = max(abs(get(x, "I_sub/I_d") / abs(get(x, "In(bulk)") / get(x, "I(drain)")) - 1) for x in rows[1:])
    check(worst < 1e-9, "pmos.isub_is_well_electrons", f"largest relative difference {worst:.2e}")
    sweep = [x for x in rows if get(x, "solve_step") == 3]
    big = max(sweep, key=lambda x: abs(get(x, "In(bulk)")))
    pk = json.load(open(os.path.join(out, "summary.json")))["substrate_current"]
    ok = len(pk) == 1 and pk[0]["peak_inside"] and pk[0]["isub_peak"] >= abs(get(big, "In(bulk)")) * (1 - 1e-12)
    ok = ok and abs(pk[0]["isub_peak_vg"] - get(big, "V(gate)")) <= 0.5
    check(ok, "pmos.isub_peak",
          f"{pk}; the table's largest |In(bulk)| {abs(get(big, 'In(bulk)')):.4e} at V_g {get(big, 'V(gate)')}; "
          f"Ip(bulk) there {get(big, 'Ip(bulk)'):.3e}")

# 2. the carriers of the injection, one bias point
ig = {}
for carriers in ("electrons", "holes", "both"):
    d = ndev + """physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}
reliability: {injection: {carriers: %s}}
output: {quantities: [potential]}
solve:
  - equilibrium: {}
  - sweep: {contact: drain, to: 2.0, step: 0.5}
  - sweep: {contact: gate, to: 1.5, step: 0.5}
""" % carriers
    o = os.path.join(W, carriers)
    r = run(tcadrun.write(W, carriers + ".yaml", d), o)
    if check(r.returncode == 0, f"carriers.{carriers}.runs", r.stderr[-300:]):
        rows, get = table(o)
        ig[carriers] = get(rows[-1], "I_g_hot")
if len(ig) == 3:
    check(ig["holes"] > 0 and abs(ig["both"] - ig["electrons"] - ig["holes"]) <= 1e-12 * ig["both"],
          "carriers.sum", f"I_g electrons {ig['electrons']:.6e}, holes {ig['holes']:.6e}, both {ig['both']:.6e} A/cm")
sys.exit(status())
