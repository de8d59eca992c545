#!/usr/bin/env python3
"""The hot-carrier monitor of an n-MOSFET (solver/hotcarrier.c; docs/deck.md `reliability`,
docs/output.md): the example n-MOSFET on its generated mesh (examples/mosfet2d-gen.yaml's
device), van Overstraeten-de Man impact ionization, V_d = 2 V, V_g swept 0 -> 2.5 V.

1. The IV columns: I_sub/I_d is |Ip(bulk)/I(drain)| of the same row (the bulk's hole current); E_m, the largest field
   along the Si/SiO2 interface, equals the one computed here from the HDF5 file: the interface
   nodes are those of both a silicon and an oxide cell (from /mesh/topology and
   /mesh/cell_region), the interface is the line they lie on, and E_m is the largest
   |psi_k+1 - psi_k| / (x_k+1 - x_k) along it, at every point with the potential saved.
2. summary.json `substrate_current`: one entry for the gate sweep, with V_d, and the peak of
   |I_sub|: here the largest row and the vertex of the parabola through ln|I_sub| at it and its two
   neighbours (numpy.polyfit, not the code's formula), and I_sub/I_d at the vertex (linear
   between the rows around it).
3. The bell: I_sub rises with V_g from subthreshold, peaks inside the sweep and falls after it
   (the last point at least 5 % below the peak), while I_sub/I_d falls monotonically with E_m
   past threshold (Hu's picture: I_sub/I_d a function of E_m). Where the peak lies against V_d
   and the slope of ln(I_sub/I_d) against 1/E_m are printed, not asserted: they belong to the
   device (this one's body doping puts the drain junction near breakdown; the flagship study
   of the hot-carrier issue is to tune it).
4. Hu's lifetime (`reliability.lifetime`, m = 2.9, C = 10 s·A/cm, a reference bias): the
   `lifetime` column is C (I_sub/I_d)^-m / I_d of its row, computed here from the table; the
   summary's worst case is the row of the smallest lifetime, its reference the row at the
   reference bias, and their ratio.
5. Energy balance (V_g = 1, V_d = 0.2 V): `Tn_max_interface` is the largest electron temperature
   of the interface nodes found in 1, from the HDF5 field.
6. Deck errors: `reliability` without impact ionization, naming a gate contact as the
   substrate, and m outside 0.5-10 are refused at their deck line; a device without contacts
   named like a MOSFET's gets no monitor columns.

    t069-substrate-current.py BUILD_DIR
"""
import csv
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402
import tcadrun  # noqa: E402
from tcadrun import run, workdir  # noqa: E402

W = workdir("t069")
ROOT = os.environ.get("TCAD_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

base = open(os.path.join(ROOT, "examples", "mosfet2d-gen.yaml")).read()
device = base[:base.index("solve:")]
deck = device + """physics: {impact_ionization: vanoverstraeten}
reliability: {drain: drain, substrate: bulk, lifetime: {m: 2.9, C: 10, reference: {drain: 2, gate: 1.0}}}
output: {quantities: [potential]}
solve:
  - equilibrium: {}
  - bias: {drain: 2.0}
  - sweep: {contact: gate, to: 2.5, step: 0.25}
"""
out = os.path.join(W, "mos")
r = run(tcadrun.write(W, "mos.yaml", deck), out)
if not check(r.returncode == 0, "mosfet.runs", r.stderr[-500:]):
    sys.exit(status())

rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
col = {k.split(" [")[0]: k for k in rows[0]}
get = lambda r, name: float(r[col[name]])  # noqa: E731

# 1. the columns
worst = max(abs(get(r, "I_sub/I_d") - abs(get(r, "Ip(bulk)") / get(r, "I(drain)"))) / get(r, "I_sub/I_d")
            for r in rows[1:])
check(worst < 1e-12, "columns.isub_over_id", f"worst relative difference {worst:.2e}")
with h5py.File(os.path.join(out, "fields.h5"), "r") as f:
    xyz = f["mesh/geometry"][...]
    top, reg = f["mesh/topology"][...], f["mesh/cell_region"][...]
    names = [n.decode() for n in f["mesh/region_names"][...]]
    si = set(top[reg == names.index("silicon")].ravel())
    ox = set(top[reg == names.index("oxide")].ravel())
    iface = np.array(sorted(si & ox))
    line = iface[np.argsort(xyz[iface, 0])]
    x = xyz[line, 0] * 1e-4  # cm
    flat = np.ptp(xyz[iface, 1]) == 0.0
    em = {}
    for k in range(1, int(f["steps"].attrs["nsteps"])):
        s = f["steps/%06d" % k]
        psi = s["potential"][...][line]
        em[int(s.attrs["time"])] = float(np.max(np.abs(np.diff(psi) / np.diff(x))))
emcol = {int(get(r, "point")): get(r, "E_m") for r in rows}
worst = max(abs(emcol[p] / em[p] - 1) for p in em)
check(flat and len(iface) > 50 and len(em) == len(rows) and worst < 1e-9, "columns.e_m_along_the_interface",
      f"{len(iface)} interface nodes (flat {flat}), {len(em)} points, worst relative difference {worst:.2e}")

# 2. the summary's peak
summ = json.load(open(os.path.join(out, "summary.json")))
sc = summ.get("substrate_current", [])
sweep = [r for r in rows if get(r, "solve_step") == 3]
vg = np.array([get(r, "V(gate)") for r in sweep])
isub = np.abs([get(r, "Ip(bulk)") for r in sweep])
ratio = np.array([get(r, "I_sub/I_d") for r in sweep])
k = int(np.argmax(isub))
if check(len(sc) == 1 and 0 < k < len(sweep) - 1, "summary.one_peak_inside", f"{sc}; largest row {k} of {len(sweep)}"):
    c2, c1, c0 = np.polyfit(vg[k - 1:k + 2], np.log(isub[k - 1:k + 2]), 2)
    v = -c1 / (2 * c2)
    i = np.exp(np.polyval([c2, c1, c0], v))
    o = k - 1 if (v - vg[k]) * (vg[k - 1] - vg[k]) > 0 else k + 1
    rt = ratio[k] + (v - vg[k]) / (vg[o] - vg[k]) * (ratio[o] - ratio[k])
    p = sc[0]
    check(p["peak_inside"] and p["vd"] == 2.0 and abs(p["isub_peak_vg"] - v) < 1e-9 and abs(p["isub_peak"] / i - 1) < 1e-9
          and abs(p["isub_over_id"] / rt - 1) < 1e-9, "summary.peak_as_computed_here",
          f"summary {p}; here V_g {v:.6g}, I_sub {i:.6g}, ratio {rt:.6g}")

# 3. the bell and Hu's picture
check(isub[-1] < 0.95 * isub[k] and isub[0] < 1e-3 * isub[k], "bell.rises_peaks_falls",
      f"I_sub {isub[0]:.3g} at V_g {vg[0]:.3g}, peak {isub[k]:.4g} at {vg[k]:.3g}, {isub[-1]:.4g} at the end")
on = [j for j in range(len(sweep)) if vg[j] >= 0.5]
e = np.array([get(sweep[j], "E_m") for j in on])
check(all(np.diff(ratio[on]) < 0) and all(np.diff(e) < 0), "bell.ratio_falls_with_e_m",
      f"ratio {ratio[on][:4]}..., E_m {e[:4]}...")
slope = np.polyfit(1 / e, np.log(ratio[on]), 1)[0]
print(f"# peak at V_g = {summ['substrate_current'][0]['isub_peak_vg']:.3f} V for V_d = 2 V "
      f"({summ['substrate_current'][0]['isub_peak_vg'] / 2:.2f} V_d); ln(I_sub/I_d) against 1/E_m past "
      f"threshold: slope {slope:.3e} V/cm (van Overstraeten-de Man's b_n = 1.231e6 V/cm)")

# 4. Hu's lifetime tau = C (I_sub/I_d)^-m / (I_d/W) (Hu et al., IEEE TED 32 (1985) 375; 2D: I_d is
# per width already), per row, here from the table's own columns; the worst case the smallest;
# the reference the row at V_d = 2, V_g = 1
tau = [10.0 * get(r, "I_sub/I_d") ** -2.9 / abs(get(r, "I(drain)")) for r in rows[1:]]
worst = max(abs(get(r, "lifetime") / t - 1) for r, t in zip(rows[1:], tau))
check(worst < 1e-12, "lifetime.column", f"worst relative difference {worst:.2e}")
w = int(np.argmin(tau)) + 1
ref = [i for i, r in enumerate(rows) if get(r, "V(drain)") == 2.0 and get(r, "V(gate)") == 1.0]
lw, lr = summ.get("lifetime_worst_case") or {}, summ.get("lifetime_reference") or {}
if check(ref and lw and lr, "lifetime.summary_keys", f"{sorted(summ)}; reference rows {ref}"):
    t_ref = 10.0 * get(rows[ref[-1]], "I_sub/I_d") ** -2.9 / abs(get(rows[ref[-1]], "I(drain)"))
    check(lw["point"] == int(get(rows[w], "point")) and abs(summ["lifetime"] / tau[w - 1] - 1) < 1e-9
          and lr["point"] == int(get(rows[ref[-1]], "point"))
          and abs(summ["lifetime_model"]["worst_over_reference"] / (tau[w - 1] / t_ref) - 1) < 1e-9,
          "lifetime.worst_case_and_reference",
          f"summary worst {lw}, reference {lr}, model {summ['lifetime_model']}; here worst point "
          f"{get(rows[w], 'point')} tau {tau[w - 1]:.6g}, reference tau {t_ref:.6g}")

# 5. energy balance: Tn_max_interface is the hottest interface node's electron temperature (the
# HDF5 field at the interface nodes found above)
eb = device + """physics: {transport: energy-balance, impact_ionization: vanoverstraeten}
output: {quantities: [electron_temperature]}
solve:
  - equilibrium: {}
  - bias: {gate: 1.0}
  - bias: {drain: 0.2}
"""
ebout = os.path.join(W, "eb")
r = run(tcadrun.write(W, "eb.yaml", eb), ebout)
if check(r.returncode == 0, "eb.runs", r.stderr[-400:]):
    erows = list(csv.DictReader(open(os.path.join(ebout, "iv.csv"))))
    key = next(k for k in erows[0] if k.startswith("Tn_max_interface"))
    with h5py.File(os.path.join(ebout, "fields.h5"), "r") as f:
        n = int(f["steps"].attrs["nsteps"])
        tn = [float(f["steps/%06d/electron_temperature" % k][...][iface].max()) for k in range(1, n)]
    got = [float(r[key]) for r in erows]
    check(len(got) == len(tn) and max(abs(a / b - 1) for a, b in zip(got, tn)) < 1e-12 and tn[-1] > 330,
          "eb.tn_max_interface", f"column {got}, from the fields {tn}")

# 6. deck errors, and no monitor for a device without MOSFET contact names
r = run(tcadrun.write(W, "noii.yaml", deck.replace("physics: {impact_ionization: vanoverstraeten}\n", "")),
        os.path.join(W, "noii"))
check(r.returncode == 3 and "'reliability' needs impact ionization" in r.stderr, "deck.needs_impact_ionization",
      f"exit {r.returncode}: {r.stderr[-300:]}")
r = run(tcadrun.write(W, "gate.yaml", deck.replace("substrate: bulk", "substrate: gate")), os.path.join(W, "gate"))
check(r.returncode == 3 and "'reliability.substrate' is 'gate', a contact that is not ohmic" in r.stderr,
      "deck.substrate_not_ohmic", f"exit {r.returncode}: {r.stderr[-300:]}")
r = run(tcadrun.write(W, "m50.yaml", deck.replace("m: 2.9", "m: 50")), os.path.join(W, "m50"))
check(r.returncode == 3 and "'reliability.lifetime.m' is 50; expected 0.5 to 10" in r.stderr, "deck.lifetime_m_range",
      f"exit {r.returncode}: {r.stderr[-300:]}")
diode = """mesh: {generate: {x: [{at: 0, step: 0.05}, {at: 1, step: 0.05}]}}
regions: [{name: si, material: Si, box: {x: [0, 1]}}]
contacts: [{name: anode, box: {x: [0, 0]}}, {name: cathode, box: {x: [1, 1]}}]
doping: [{profile: box, species: acceptor, conc: 1e17, box: {x: [0, 0.5]}},
         {profile: box, species: donor, conc: 1e17, box: {x: [0.5, 1]}}]
physics: {impact_ionization: vanoverstraeten}
solve: [{equilibrium: {}}]
"""
r = run(tcadrun.write(W, "diode.yaml", diode), os.path.join(W, "diode"))
head = open(os.path.join(W, "diode", "iv.csv")).readline() if r.returncode == 0 else ""
summ = json.load(open(os.path.join(W, "diode", "summary.json"))) if r.returncode == 0 else {}
check(r.returncode == 0 and "I_sub/I_d" not in head and "substrate_current" not in summ, "diode.no_monitor",
      f"exit {r.returncode}; header {head.strip()[:200]}")
sys.exit(status())
