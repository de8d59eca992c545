#!/usr/bin/env python3
"""The hot-carrier gate current (solver/gatecurrent.c; docs/deck.md `reliability.injection`,
docs/output.md) on the example n-MOSFET's generated mesh (examples/mosfet2d-gen.yaml):

1. lucky electron, drift-diffusion, V_d = 2 V, V_g 0..3 V: the I_g_hot column is finite and
   non-negative and grows with V_g up to V_g = V_d (the oxide field over the drain turns from
   retarding to attracting, Tam, Ko and Hu 1984, fig. 6: the gate current of an n-MOSFET rises
   steeply until V_g ≈ V_d; here monotone and by two decades or more over V_g 0.5..2 V); the hot_carrier_injection field integrated here along the Si/SiO2
   interface (trapezoids between the interface nodes read from the HDF5 mesh) is the column;
   summary.json's gate_current names the largest row of the table and, without a lifetime, the
   row of the largest substrate current.
   (`hot_carrier: auto` here: lucky-electron in drift-diffusion.)
2. the slope the model implies: with the barrier lowering off (β = α = λ_ox = 0) the barrier is
   φ_0 wherever the oxide field attracts electrons, and ln(I_g/I_d) against 1/E_m over a drain
   sweep at V_g = 3 V is a straight line of slope φ_0/λ (Tam, Ko and Hu: I_g/I_d ∝
   exp(−φ_b/(λ E_m))); checked for φ_0 = 3.2 and 2.6 eV within 5 % (the prefactor's E_m
   dependence, 1/(2a) and the extent of the high-field region, moves it by a few per cent), and
   the line's rms residual under 3 % of the span of ln(I_g/I_d). (With the default lowering the
   slope is lower, 1.6-2.2e6 V/cm on this device: the barrier then falls with the oxide field;
   docs/dev-notes.md.)
   On the same sweep, Hu's substrate-current law (Hu et al., IEEE Trans. Electron Devices 32
   (1985) 375: I_sub/I_d ∝ exp(−φ_i/(qλE_m))): ln(I_sub/I_d) against 1/E_m is a straight line
   whose slope is, for the local-field Chynoweth law, van Overstraeten–de Man's b_n = 1.231e6
   V/cm (checked to 10 %; Hu's fit on measured devices, 1.3 eV/7.8 nm = 1.67e6, is reported).
3. Fiegna's energy-distribution model with energy balance (the electron temperature only, which
   is all it needs): the gate current grows with the
   electron temperature and falls to 0 as τ_w → 0 (τ_w 0.3 ps against 0.03 ps: the carriers
   stay near the lattice temperature; F_eff = (3/2)(k/q)(T_n − T_L)/λ_E).
4. Deck errors name the line (docs/errors.md E79, E98-E100 hold the messages).
"""
import csv
import json
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, status  # noqa: E402
import tcadrun  # noqa: E402
from tcadrun import run, workdir  # noqa: E402

W = workdir("t071")
ROOT = os.environ.get("TCAD_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
base = open(os.path.join(ROOT, "examples", "mosfet2d-gen.yaml")).read()
device = base[:base.index("solve:")]


def table(out):
    rows = list(csv.DictReader(open(os.path.join(out, "iv.csv"))))
    col = {k.split(" [")[0]: k for k in rows[0]}
    return rows, (lambda r, name: float(r[col[name]])), col


# 1. lucky electron at V_d = 2 V
deck = device + """physics: {impact_ionization: vanoverstraeten, hot_carrier: auto}
output: {quantities: [potential, hot_carrier_injection]}
solve:
  - equilibrium: {}
  - bias: {drain: 2.0}
  - sweep: {contact: gate, to: 3.0, step: 0.25}
"""
out = os.path.join(W, "lucky")
r = run(tcadrun.write(W, "lucky.yaml", deck), out)
if not check(r.returncode == 0, "lucky.runs", r.stderr[-500:]):
    sys.exit(status())
rows, get, col = table(out)
check("I_g_hot" in col and col["I_g_hot"].endswith("[A/cm]"), "lucky.column", f"{list(col)[-4:]}")
ig = [get(x, "I_g_hot") for x in rows]
vg = [get(x, "V(gate)") for x in rows]
check(all(math.isfinite(v) and v >= 0 for v in ig), "lucky.finite", f"{ig}")
rise = [k for k in range(1, len(rows)) if 0.5 <= vg[k] <= 2.0 and vg[k - 1] >= 0.5]
check(len(rise) >= 5 and all(ig[k] > ig[k - 1] for k in rise) and ig[rise[-1]] > 100 * ig[rise[0] - 1],
      "lucky.rises_to_vg_vd", "I_g over V_g 0.5..2: " + ", ".join(f"{ig[k]:.3e}" for k in [rise[0] - 1] + rise))

# the field along the interface, integrated here
with h5py.File(os.path.join(out, "fields.h5"), "r") as f:
    xy = f["mesh/geometry"][...] * 1e-4  # µm → cm
    n = int(f["steps"].attrs["nsteps"])
    worst = 0.0
    for k in range(1, n):
        g = f["steps/%06d/hot_carrier_injection" % k][...]
        on = np.nonzero(g)[0]
        if len(on) == 0:
            continue
        y0 = xy[on, 1]
        line = np.nonzero(np.abs(xy[:, 1] - y0[0]) < 1e-12)[0]
        line = line[np.argsort(xy[line, 0])]
        total = float(np.sum(0.5 * (g[line][1:] + g[line][:-1]) * np.diff(xy[line, 0])))
        worst = max(worst, abs(total / ig[k - 1] - 1) if ig[k - 1] > 0 else 0.0)
    check(np.all(np.abs(y0 - y0[0]) < 1e-16) and worst < 1e-9, "lucky.field_integrates_to_column",
          f"largest relative difference {worst:.2e} over {n - 1} points; injecting nodes on y = {y0[0]:.3g} cm")

summ = json.load(open(os.path.join(out, "summary.json")))
gc = summ.get("gate_current", {})
big = max(range(len(rows)), key=lambda k: ig[k])
wc = max(range(len(rows)), key=lambda k: abs(get(rows[k], "Ip(bulk)")))
inj_s = summ.get("cost", {}).get("injection_s", -1)
check(gc.get("model") == "lucky-electron" and inj_s >= 0 and gc["largest"]["point"] == int(get(rows[big], "point"))
      and abs(gc["largest"]["ig"] / ig[big] - 1) < 1e-8 and gc["worst_case"]["point"] == int(get(rows[wc], "point"))
      and abs(gc["worst_case"]["ig_over_id"] / (ig[wc] / abs(get(rows[wc], "I(drain)"))) - 1) < 1e-8,
      "lucky.summary", f"{gc}; injection_s {inj_s}; table largest point {get(rows[big], 'point')}, worst case {get(rows[wc], 'point')}")

# 2. the slope: drain sweeps at V_g = 3 V
sweep = """output: {quantities: [potential]}
solve:
  - equilibrium: {}
  - sweep: {contact: gate, to: 3.0, step: 0.5}
  - sweep: {contact: drain, to: 3.0, step: 0.25}
"""
slopes = {}
for name, inj in (("phi32", "{barrier: 3.2, beta: 0, alpha: 0, lambda_ox: 0}"),
                  ("phi26", "{barrier: 2.6, beta: 0, alpha: 0, lambda_ox: 0}")):
    d = device + "physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}\n"
    if inj:
        d += "reliability: {injection: %s}\n" % inj
    o = os.path.join(W, name)
    r = run(tcadrun.write(W, name + ".yaml", d + sweep), o)
    if not check(r.returncode == 0, f"slope.{name}.runs", r.stderr[-400:]):
        continue
    rw, gt, _ = table(o)
    pts = [x for x in rw if gt(x, "solve_step") == 3 and gt(x, "V(drain)") >= 1.5]
    X = np.array([1 / gt(x, "E_m") for x in pts])
    Y = np.array([math.log(gt(x, "I_g_hot") / gt(x, "I(drain)")) for x in pts])
    p = np.polyfit(X, Y, 1)
    rms = float(np.sqrt(np.mean((Y - np.polyval(p, X)) ** 2)))
    slopes[name] = (-p[0], rms, float(Y.max() - Y.min()), len(pts))
    if name == "phi32":  # Hu's substrate-current law on the same drain sweep
        Ys = np.array([math.log(abs(gt(x, "Ip(bulk)") / gt(x, "I(drain)"))) for x in pts])
        ps = np.polyfit(X, Ys, 1)
        rs = float(np.sqrt(np.mean((Ys - np.polyval(ps, X)) ** 2)))
        check(abs(-ps[0] / 1.231e6 - 1) < 0.1 and rs < 0.03 * float(Ys.max() - Ys.min()), "hu.isub_slope",
              f"d ln(I_sub/I_d)/d(1/E_m) = {-ps[0]:.4g} V/cm against b_n = 1.231e6 of van Overstraeten-de Man "
              f"(the local-field model's phi_i/(q lambda)); Hu et al. 1985 fit 1.3 eV/7.8 nm = 1.67e6 on measured "
              f"devices; rms residual {rs:.3f} of a span {float(Ys.max() - Ys.min()):.2f}")
for name, phi in (("phi32", 3.2), ("phi26", 2.6)):
    if name not in slopes:
        continue
    s, rms, span, npt = slopes[name]
    check(abs(s / (phi / 9.2e-7) - 1) < 0.05 and rms < 0.03 * span and npt >= 10, f"slope.{name}",
          f"d ln(I_g/I_d)/d(1/E_m) = {s:.4g} V/cm against phi/lambda = {phi / 9.2e-7:.4g}; rms residual {rms:.3f} "
          f"of a span {span:.2f} over {npt} points (V_d 1.5..3 V)")

# 3. Fiegna with energy balance, two energy relaxation times
ig_eb = {}
for tw in ("3e-13", "3e-14"):
    d = device.replace("regions:", "materials: {Si: {tauw: [%s, %s]}}\nregions:" % (tw, tw), 1)
    d += """physics: {transport: energy-balance-electrons, impact_ionization: vanoverstraeten, hot_carrier: %s}
output: {quantities: [electron_temperature, hot_carrier_injection]}
solve:
  - equilibrium: {}
  - sweep: {contact: gate, to: 2.0, step: 1.0}
  - sweep: {contact: drain, to: 1.5, step: 0.5}
""" % ("fiegna" if tw == "3e-13" else "auto")
    o = os.path.join(W, "eb" + tw)
    r = run(tcadrun.write(W, "eb%s.yaml" % tw, d), o)
    if check(r.returncode == 0, f"fiegna.tauw{tw}.runs", r.stderr[-400:]):
        rw, gt, _ = table(o)
        check(json.load(open(os.path.join(o, "summary.json")))["gate_current"]["model"] == "fiegna",
              f"fiegna.tauw{tw}.model", "hot_carrier fiegna, and auto in energy balance")
        ig_eb[tw] = [(gt(x, "V(drain)"), gt(x, "Tn_max_interface"), gt(x, "I_g_hot")) for x in rw
                     if gt(x, "solve_step") == 3]
if len(ig_eb) == 2:
    hot, cold = ig_eb["3e-13"], ig_eb["3e-14"]
    grows = all(b[2] >= a[2] and b[1] > a[1] for a, b in zip(hot, hot[1:])) and hot[-1][2] > 0
    check(grows, "fiegna.grows_with_tn", "V_d, T_n max, I_g: " + "; ".join(f"{v:g} {t:.0f} K {i:.3e}" for v, t, i in hot))
    check(cold[-1][1] < hot[-1][1] and cold[-1][2] < 1e-6 * hot[-1][2], "fiegna.vanishes_as_tauw_to_0",
          f"V_d 1.5 V: tau_w 0.3 ps T_n {hot[-1][1]:.0f} K I_g {hot[-1][2]:.3e}; 0.03 ps T_n {cold[-1][1]:.0f} K "
          f"I_g {cold[-1][2]:.3e}")

# 4. deck errors
line1d = """mesh: {generate: {x: [{at: 0, step: 0.1}, {at: 1, step: 0.1}]}}
regions: [{name: si, material: Si, box: {x: [0, 1]}}]
contacts: [{name: drain, box: {x: [0, 0]}}, {name: bulk, box: {x: [1, 1]}}]
doping: [{profile: uniform, species: donor, conc: 1e16}]
"""
for name, extra, want in (
        ("fiegna_dd", "physics: {impact_ionization: vanoverstraeten, hot_carrier: fiegna}\n",
         "5:60: 'hot_carrier: fiegna' is driven by the carrier temperature"),
        ("no_model", "physics: {impact_ionization: vanoverstraeten}\nreliability: {injection: {barrier: 3.1}}\n",
         "6:26: 'reliability.injection' sets the parameters"),
        ("no_gate", "physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}\n",
         "5:47: physics.hot_carrier needs a gate over a semiconductor/insulator interface"),
        ("range", "physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}\n"
         "reliability: {injection: {lambda: 1}}\n", "6:35: 'reliability.injection.lambda' is 1 cm"),
        ("unknown", "physics: {impact_ionization: vanoverstraeten, hot_carrier: lucky-electron}\n"
         "reliability: {injection: {lamda: 1e-6}}\n", "lamda")):
    o = os.path.join(W, "err_" + name)
    r = run(tcadrun.write(W, name + ".yaml", line1d + extra + "solve: [{equilibrium: {}}]\n"), o)
    check(r.returncode == 3 and want in r.stderr and not os.path.exists(o), f"errors.{name}",
          f"exit {r.returncode}: {r.stderr.strip()[-300:]}")

sys.exit(status())
