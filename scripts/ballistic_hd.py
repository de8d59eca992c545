"""The ballistic n+-n-n+ diode against C. L. Gardner's hydrodynamic model.

Gardner's device (IEEE Trans. Electron Devices 38 (1991) 392; the parameters of problem 1 of his
code chd.m, version 8-20-2023, which accompanies C. L. Gardner, "Applied Numerical Methods for
Partial Differential Equations", Springer 2024): silicon at 300 K, n+ 5e17 cm^-3 / n 2e15 / n+
5e17 over 0.1 / 0.4 / 0.1 um, tanh transitions of half-width 0.05 um, mobility
80 + 1350/(1 + (N/1.12e17)^0.72) cm^2/Vs, v_s = 1.035e7 cm/s, energy relaxation time
tau_w = (tau_p0/2)(T0/T)(1 + 3 T^2/(m v_s^2 (T + T0))) with tau_p0 = m mu0/q, m = 0.26 m_e.
Reference profiles: tests/data/gardner-hd/ (README.md there says how they were made).

Our deck matches what our energy-balance model can match: the same doping at every node of the
same 2.5 nm grid (the tanh transitions as one box per node), Caughey-Thomas mobility with
Gardner's constants, his v_s, and tau_w(T) fitted to his at the channel's doping (0.345 ps at
300 K rising to 0.45 ps near 3000 K: tau_w (1 + t1 x + t2 x^2), x = T/T_L - 1). What differs is
the model: the energy-transport closure (no electron inertia: no m u du/dx, no d(mu)/dt),
Hänsch's mobility law, the heat-flux coefficient 5/2 (k/q)^2 mu n T instead of Gardner's
0.4 k^2 mu0 n T0/q, tau_w independent of doping, and T = T_L at the contacts (Gardner: dT/dx = 0).

    python3 scripts/ballistic_hd.py BUILD_DIR OUTDIR    runs the comparison, prints the table and
                                                        writes OUTDIR/ballistic-hd.png
"""
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "data", "gardner-hd")
BIASES = (1.0, 1.5)
H = 0.0025  # um, Gardner's grid: N = 240 cells over 0.6 um


def gardner_doping(x):
    """Gardner's donor profile, cm^-3, x in um from the cathode (his x + 0.1 um)."""
    nl, nm, xl, xr, d = 5e17, 2e15, 0.1, 0.5, 0.05
    if x <= xl - d:
        return nl
    if x < xl + d:
        return 0.5 * (nl - nm) * math.tanh(-4 * (x - xl) / d) + 0.5 * (nl + nm)
    if x <= xr - d:
        return nm
    if x < xr + d:
        return 0.5 * (nm - nl) * math.tanh(-4 * (x - xr) / d) + 0.5 * (nm + nl)
    return nl


def deck():
    boxes = []
    for j in range(241):
        x = j * H
        extra = gardner_doping(x) - 2e15
        if extra > 0:
            lo, hi = max(0.0, x - H / 2), min(0.6, x + H / 2)
            boxes.append(f"  - {{profile: box, species: donor, conc: {extra:.10g}, box: {{x: [{lo:.5f}, {hi:.5f}]}}}}")
    return "\n".join([
        "title: Gardner's n+ n n+ diode (chd.m problem 1), energy balance",
        "mesh:",
        "  generate:",
        "    x: [{at: 0, step: 0.0025}, {at: 0.6, step: 0.0025}]",
        "regions:",
        "  - {name: silicon, material: Si, box: {x: [0, 0.6]}}",
        "contacts:",
        "  - {name: cathode, type: ohmic, box: {x: [0, 0]}}",
        "  - {name: anode, type: ohmic, box: {x: [0.6, 0.6]}}",
        "materials:",
        "  Si: {ct_mumin: [80, 80], ct_mumax: [1430, 480], ct_nref: [1.12e17, 1.12e17], ct_alpha: [0.72, 0.72],",
        "       vsat: [1.035e7, 1.035e7], tauw: [3.45e-13, 2.5e-13], tauw_t1: [0.09, 0], tauw_t2: [-0.006, 0]}",
        "doping:",
        "  - {profile: uniform, species: donor, conc: 2e15}",
        *boxes,
        "physics: {transport: energy-balance-electrons, mobility: caughey-thomas, high_field: hansch, recombination: []}",
        "solve:",
        "  - equilibrium: {}",
        "  - sweep: {contact: anode, to: 1.5, step: 0.1}",
        "",
    ])


def gardner_tauw_fit_error():
    """largest relative difference between Gardner's tau_w(T) in the channel and the deck's fit,
    300-3000 K"""
    m = 0.26 * 5.68563  # 1e-16 eV s^2/cm^2
    mu0 = 0.080 + 1.350 / (1 + (0.002 / 0.112) ** 0.72)  # 1000 cm^2/Vs
    tw0, t0, vs = m * mu0 / 2, 0.025852, 0.1035  # 0.1 ps, eV, 1e8 cm/s
    worst = 0.0
    for k in range(28):
        y = 1 + k / 3  # T/T0
        g = 1e-13 * tw0 / y * (1 + 3 * (y * t0) ** 2 / (m * vs * vs * (y * t0 + t0)))
        x = y - 1
        ours = 3.45e-13 * (1 + 0.09 * x - 0.006 * x * x)
        worst = max(worst, abs(ours / g - 1))
    return worst


def reference(v):
    import numpy as np

    d = np.loadtxt(os.path.join(REF, f"chd-prob1-{v:g}V.csv"), delimiter=",", comments="#", skiprows=2)
    return {"x": d[:, 0], "n": d[:, 1], "v": d[:, 2], "T": d[:, 3]}


def run(build, out, transport=None):
    """Runs the deck into OUT (energy balance) or, with transport="drift-diffusion", into OUT/dd;
    returns the fields.h5 path."""
    if transport:
        out = os.path.join(out, "dd")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "gardner.yaml")
    with open(path, "w") as f:
        f.write(deck())
    tcad = os.path.join(build, "tcad")
    cmd = [tcad, "run", path, "-o", out] + (["-tcad_transport", transport] if transport else [])
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return os.path.join(out, "fields.h5")


def ours(h5, v):
    import h5py
    import numpy as np

    with h5py.File(h5, "r") as f:
        x = f["mesh/geometry"][:, 0]
        for k in sorted(f["steps"]):
            g = f["steps"][k]
            if "V_anode" in g.attrs and abs(g.attrs["V_anode"] - v) < 1e-9:
                o = np.argsort(x)
                n = g["electron_density"][:][o]
                if "electron_velocity" in g:
                    v = np.abs(g["electron_velocity"][:, 0][o])
                else:  # drift-diffusion: |J_n|/(q n)
                    v = np.abs(g["electron_current_density"][:, 0][o]) / (1.602176634e-19 * n)
                T = g["electron_temperature"][:][o] if "electron_temperature" in g else np.full_like(n, 300.0)
                return {"x": x[o], "T": T, "v": v, "n": n, "J": abs(g.attrs["I_anode"])}
    raise RuntimeError(f"{h5}: no bias point at V_anode = {v}")


def metrics(a, g):
    """Peak temperatures and positions, currents, and the channel comparison (0.25-0.45 um)."""
    import numpy as np

    q = 1.602176634e-19
    ch = (g["x"] >= 0.25) & (g["x"] <= 0.45)
    Ta = np.interp(g["x"], a["x"], a["T"])
    va = np.interp(g["x"], a["x"], a["v"])
    plateau = (g["x"] >= 0.25) & (g["x"] <= 0.40)
    ia, ig = int(np.argmax(a["T"])), int(np.argmax(g["T"]))
    ja, jg = int(np.argmax(a["v"])), int(np.argmax(g["v"]))
    # Gardner's q n u is constant in the steady state to a few 1e-3 except at two nodes of
    # the junction transitions; the median is the current
    Jg = float(np.median(q * g["n"] * g["v"]))
    return {
        "T_peak": (float(a["T"][ia]), float(g["T"][ig])), "x_T_peak": (float(a["x"][ia]), float(g["x"][ig])),
        "v_peak": (float(a["v"][ja]), float(g["v"][jg])), "x_v_peak": (float(a["x"][ja]), float(g["x"][jg])),
        "J": (a["J"], Jg),
        "T_channel_maxrel": float(np.max(np.abs(Ta[ch] / g["T"][ch] - 1))),
        "v_plateau": (float(np.mean(va[plateau])), float(np.mean(g["v"][plateau]))),
    }


def table(rows):
    lines = ["| bias | T_n peak: ours / HD | at x (µm) | peak velocity: ours / HD (cm/s) | at x (µm) | "
             "mean velocity 0.25–0.40 µm | current density: ours / HD (A/cm²) | T_n in 0.25–0.45 µm, largest difference |",
             "|---|---|---|---|---|---|---|---|"]
    for v, m in rows:
        lines.append(
            f"| {v:g} V | {m['T_peak'][0]:.0f} / {m['T_peak'][1]:.0f} K | {m['x_T_peak'][0]:.4f} / {m['x_T_peak'][1]:.4f} "
            f"| {m['v_peak'][0]:.3g} / {m['v_peak'][1]:.3g} | {m['x_v_peak'][0]:.4f} / {m['x_v_peak'][1]:.4f} "
            f"| {m['v_plateau'][0]:.3g} / {m['v_plateau'][1]:.3g} | {m['J'][0]:.4g} / {m['J'][1]:.4g} "
            f"({m['J'][0] / m['J'][1] - 1:+.1%}) | {m['T_channel_maxrel']:.1%} |")
    return "\n".join(lines)


def plot(h5, path, h5dd=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for v, c in zip(BIASES, ("tab:blue", "tab:red")):
        a, g = ours(h5, v), reference(v)
        ax[0].plot(a["x"], a["T"], color=c, label=f"{v:g} V energy balance (tcad)")
        ax[0].plot(g["x"], g["T"], color=c, ls="--", label=f"{v:g} V hydrodynamic (Gardner)")
        ax[1].plot(a["x"], a["v"] / 1e7, color=c, label=f"{v:g} V energy balance (tcad)")
        ax[1].plot(g["x"], g["v"] / 1e7, color=c, ls="--", label=f"{v:g} V hydrodynamic (Gardner)")
    if h5dd:
        d = ours(h5dd, BIASES[-1])
        ax[1].plot(d["x"], d["v"] / 1e7, color="k", lw=0.8, label=f"{BIASES[-1]:g} V drift-diffusion (tcad)")
    ax[1].axhline(1.035, color="gray", lw=0.8, ls=":", label="v_s")
    for a_ in ax:
        a_.set_xlabel("x (µm)")
        for xj in (0.1, 0.5):
            a_.axvline(xj, color="gray", lw=0.5)
    ax[0].set_ylabel("electron temperature (K)")
    ax[1].set_ylabel("electron velocity (1e7 cm/s)")
    ax[0].legend(fontsize=8)
    ax[1].legend(fontsize=8, loc="upper left")
    fig.suptitle("n⁺-n-n⁺ diode 0.1/0.4/0.1 µm, 5e17/2e15 cm⁻³: energy balance against Gardner's hydrodynamic model")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    build, out = sys.argv[1:]
    h5 = run(build, out)
    print(table([(v, metrics(ours(h5, v), reference(v))) for v in BIASES]))
    print(f"tau_w fit against Gardner's tau_w(T) in the channel, 300-3000 K: within {gardner_tauw_fit_error():.1%}")
    h5dd = run(build, out, "drift-diffusion")
    d = ours(h5dd, BIASES[-1])
    print(f"drift-diffusion at {BIASES[-1]:g} V: peak velocity {d['v'].max():.3g} cm/s, current {d['J']:.4g} A/cm2")
    plot(h5, os.path.join(out, "ballistic-hd.png"), h5dd)
    print(f"wrote {os.path.join(out, 'ballistic-hd.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
