#!/usr/bin/env python3
"""The drift-diffusion driving force of the high-field mobility (physics.driving_force).

- The odd-even density mode: with the quasi-Fermi gradient as driving force, the ballistic
  n+-n-n+ diode (examples/ballistic1d.yaml in drift-diffusion, Canali, 1.5 V) shows a node-to-node
  oscillation of n before the n/n+ junction (docs/dev-notes.md); with the default (the Joule force,
  F^2 = E.grad(phi)) the profile is smooth there, and with the field parallel to the current too. Measured by the fraction of nodes at which the second
  difference of n changes sign, over 0.46-0.495 um (a smooth profile: none; an odd-even mode:
  about every other node), on that device and on Gardner's smoothed device (scripts/ballistic_hd.py,
  Hansch's field law).
- What the change must move: in a uniform resistor, where the quasi-Fermi gradient is the field,
  every driving force gives the current of Canali's law at the applied field, J = q N mu(F) E with
  F = sqrt(E^2 + F0^2) - F0, F0 = 10 V/cm (the documented floor),
  computed here from the deck's own parameters (an independent evaluation of the analytic law);
  on the ballistic diode the Joule force moves the current by what E.grad(phi) differs from
  grad(phi)^2 where diffusion matters, at its junctions (a few per cent, bounded below).

    t061-driving-force.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytap import check, skip, status  # noqa: E402

Q = 1.602176634e-19


def run(tcad, deck_text, out, extra=()):
    path = out + ".yaml"
    with open(path, "w") as f:
        f.write(deck_text)
    r = subprocess.run([tcad, "run", path, "-o", out, "-q", *extra], capture_output=True, text=True)
    return r.returncode, r.stderr


def last_profile(h5):
    with h5py.File(h5, "r") as f:
        x = f["mesh/geometry"][:, 0]
        step = f["steps"][sorted(f["steps"].keys())[-1]]
        n = step["electron_density"][:]
        iv = f["iv"][:]
    o = np.argsort(x)
    return x[o], n[o], iv


def flips(x, n, a, b):
    """fraction of nodes in [a, b] where the second difference of n changes sign"""
    i = np.where((x >= a) & (x <= b))[0]
    i = i[(i > 0) & (i < len(x) - 1)]
    d2 = n[i - 1] - 2 * n[i] + n[i + 1]
    return float(np.mean(np.sign(d2[1:]) != np.sign(d2[:-1])))


def with_driving_force(text, df):
    return text.replace("physics: {", "physics: {driving_force: %s, " % df, 1)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tcad = os.path.join(build if os.path.isabs(build) else os.path.join(root, build), "tcad")
    tmp = tempfile.mkdtemp(prefix="t061-", dir=os.environ.get("TCAD_TEST_TMP"))
    backend = ["-tcad_backend", os.environ.get("TCAD_TEST_BACKEND", "host")]

    # --- the ballistic diode, drift-diffusion, both driving forces
    text = open(os.path.join(root, "examples", "ballistic1d.yaml")).read()
    cur = {}
    for df in ("joule", "quasi-fermi", "field"):
        out = os.path.join(tmp, "ballistic-" + df)
        rc, err = run(tcad, with_driving_force(text, df), out, ["-tcad_transport", "drift-diffusion", *backend])
        if not check(rc == 0, f"driving_force.ballistic.{df}.runs", err[-400:]):
            continue
        x, n, iv = last_profile(os.path.join(out, "fields.h5"))
        f = flips(x * (1e4 if x.max() < 1e-2 else 1), n, 0.46, 0.495)
        cur[df] = abs(iv[-1][-1])
        print(f"# ballistic diode, {df}: sign changes of the second difference over 0.46-0.495 um: {f:.2f}, "
              f"current {cur[df]:.6g} A/cm2")
        if df != "quasi-fermi":
            check(f < 0.1, f"driving_force.ballistic.{df}.smooth", f"{f:.2f} of the nodes flip")
        else:  # the mode the quasi-Fermi gradient has: the detection works
            check(f > 0.3, "driving_force.ballistic.quasi_fermi.odd_even_detected", f"{f:.2f} of the nodes flip")
    if "joule" in cur and "quasi-fermi" in cur:
        rel = cur["joule"] / cur["quasi-fermi"] - 1
        print(f"# ballistic diode current, Joule against quasi-Fermi driving force: {100 * rel:+.2f} %")
        check(0 <= rel < 0.05, "driving_force.ballistic.joule_moves_the_current_by_under_5_percent",
              f"{100 * rel:+.2f} %")

    # --- Gardner's smoothed device (scripts/ballistic_hd.py), drift-diffusion with Hansch's field law
    sys.path.insert(0, os.path.join(root, "scripts"))
    try:
        import ballistic_hd
        gtext = ballistic_hd.deck()
    except Exception as e:  # noqa: BLE001
        skip("driving_force.gardner.joule.smooth", f"scripts/ballistic_hd.py: {e}")
        gtext = None
    for df in ("joule", "quasi-fermi") if gtext is not None else ():
        out = os.path.join(tmp, "gardner-" + df)
        rc, err = run(tcad, with_driving_force(gtext, df), out, ["-tcad_transport", "drift-diffusion", *backend])
        if not check(rc == 0, f"driving_force.gardner.{df}.runs", err[-400:]):
            continue
        x, n, _ = last_profile(os.path.join(out, "fields.h5"))
        f = flips(x * (1e4 if x.max() < 1e-2 else 1), n, 0.46, 0.495)
        print(f"# Gardner's device, {df}: sign changes over 0.46-0.495 um: {f:.2f}")
        if df == "joule":
            check(f < 0.1, "driving_force.gardner.joule.smooth", f"{f:.2f} of the nodes flip")
        else:
            check(f > 0.3, "driving_force.gardner.quasi_fermi.odd_even_detected", f"{f:.2f} of the nodes flip")

    # --- a uniform resistor: both forces give Canali's law at the applied field
    mu0, vsat, beta, N, L, V = 1000.0, 1.0e7, 2.0, 1.0e16, 1.0, 5.0  # cm2/Vs, cm/s, 1, cm-3, um, V
    res = f"""title: resistor
mesh: {{generate: {{x: [{{at: 0, step: 0.01}}, {{at: {L}, step: 0.01}}]}}}}
regions: [{{name: si, material: Si, box: {{x: [0, {L}]}}}}]
contacts:
  - {{name: a, type: ohmic, box: {{x: [0, 0]}}}}
  - {{name: b, type: ohmic, box: {{x: [{L}, {L}]}}}}
doping: [{{profile: uniform, species: donor, conc: {N}}}]
materials: {{Si: {{mu_const: [{mu0}, 400], vsat: [{vsat}, 8e6], canali_beta: [{beta}, 1.2]}}}}
physics: {{mobility: constant, high_field: canali, recombination: []}}
solve:
  - equilibrium: {{}}
  - sweep: {{contact: b, to: {V}, step: 1.0}}
"""
    E = V / (L * 1e-4)
    F = (E * E + 10.0**2) ** 0.5 - 10.0  # the driving force with its 10 V/cm floor (-tcad_hf_floor, docs/solver.md)
    mu = mu0 / (1 + (mu0 * F / vsat) ** beta) ** (1 / beta)
    j_law = Q * N * mu * E
    for df in ("joule", "quasi-fermi", "field"):
        out = os.path.join(tmp, "resistor-" + df)
        rc, err = run(tcad, with_driving_force(res, df), out, backend)
        if not check(rc == 0, f"driving_force.resistor.{df}.runs", err[-400:]):
            continue
        _, _, iv = last_profile(os.path.join(out, "fields.h5"))
        j = abs(iv[-1][-1])
        print(f"# resistor at {E:.3g} V/cm, {df}: {j:.6g} A/cm2, Canali's law {j_law:.6g} A/cm2")
        check(abs(j / j_law - 1) < 1e-4, f"driving_force.resistor.{df}.canali_law", f"{j:.6g} against {j_law:.6g}")
    return status()


if __name__ == "__main__":
    sys.exit(main())
