#!/usr/bin/env python3
"""Energy-balance avalanche breakdown and the dead-space effect (shared PHYSICS.md sections 2, 4).

A short p+ n- n+ diode (1e19 / 1e16 over 0.4 um / 1e19, punched through at breakdown), van
Overstraeten-de Man coefficients, Caughey-Thomas mobility, the `breakdown` step to 100 A/cm^2 in
drift-diffusion and in energy balance. A carrier that enters the high field needs about an energy
relaxation length (5/3 v_sat tau_w, 50 nm) to heat, so with the temperature as the driving force
fewer pairs are made near the edges of the field region and the diode breaks down at a higher
voltage than with the local field: the non-local dead-space effect.

Checked against two computations written here (neither reads the code):
1. drift-diffusion: the ionization integral of the local field, the depletion-approximation field
   of the punched-through diode (linear in n-, with the depletion tails in p+ and n+ for
   V + V_bi - 2kT/q), electron-initiated from the p+ edge; within 3 %.
2. energy balance: the same field and the same coefficients, with each carrier's temperature from
   its steady energy balance along its path (the model of PHYSICS.md section 2):
       d/dx [ (5/2) k T F - kappa dT/dx ] = q F E - (3/2) k c (T - T_L)/tau_w + (3/2) k T G,
   F the carrier's particle flux along its motion, c = F/v its density with v = mu(T) E (drift
   only), mu(T) Hansch's law from the n- region's low-field mobility, kappa = (5/2) (k^2/q) mu c T, T = T_L where each path starts and
   ends (the p+ and n+ regions); the fluxes F_n, F_p = 1 - F_n and the generation
   G = alpha_n F_n + alpha_p F_p from the multiplication of a current entering at the p+ edge, and
   alpha(F_eff(T)), F_eff = (3/2)(k/q)(T - T_L)/(v_sat tau_w), iterated to a fixed point; the
   breakdown voltage where the ionization integral of those alphas reaches 1. The simulator's value
   must agree within 6 %: this model leaves out the carriers' diffusion in their velocity (their
   density grows along the path by multiplication, which slows them by up to ~20 %: more
   relaxation per length, a lower temperature, a higher breakdown voltage in the simulator; measured
   +3.5 % on this device: 18.84 against 18.20 V).
3. the effect itself: energy balance above drift-diffusion by more than 5 % (measured 16.55 and 18.84 V:
   +13.8 %), in the simulator and in the independent computations.
4. zero bias (kernels/physics/energy.h tcad_eb_floor_gate): a 2 um x 1.5 um p-type device with a
   surface implant and an oxide, energy balance with impact ionization at the default relaxation
   floor: at equilibrium nothing is heated and nothing flows. The carriers are at T_L (every node
   within 0.01 K) and every contact current is below 1e-15 A/cm (thermodynamics; not a computed
   reference). Before the floor heating was gated by the bias, the floor took the temperature of
   the implant's built-in field: on this mesh Newton diverged at the equilibrium, on one 2.5x
   coarser in x 4e-11 A/cm flowed at zero bias.

    t065-dead-space.py BUILD_DIR
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avalanche_ref import EPS, KB, KT, NI, Q, alpha_vodm, bisect, electron_integral  # noqa: E402
from pytap import check, status  # noqa: E402

TL = 300.0
HEAVY, LIGHT, WIDTH = 1e19, 1e16, 0.4e-4  # cm^-3, cm^-3, cm
# the material parameters, set in the deck and used here (electrons, holes): saturation velocity,
# energy relaxation time; and the low-field mobility of the n- region from the Caughey-Thomas law
# with its Medici/Atlas parameters (shared PHYSICS.md section 3), the deck's `caughey-thomas`
VSAT, TAUW = (1.07e7, 8.37e6), (0.3e-12, 0.25e-12)
CAUGHEY_THOMAS = ((55.24, 1429.23, 1.072e17, 0.73), (49.7, 479.37, 1.606e17, 0.70))  # mu_min, mu_max, N_ref, alpha
MU0 = tuple(a + (b - a) / (1 + (LIGHT / n) ** k) for a, b, n, k in CAUGHEY_THOMAS)


def field(V, npts=801):
    """depletion-approximation field of p+ (HEAVY) | n- (LIGHT, WIDTH) | n+ (HEAVY), punched
    through: E(x) with x from the p+ depletion edge; E1 at the p+/n- junction from
    V + V_bi - 2kT/q = E1^2 eps/(2 q NA) + (E1 + E2) W/2 + E2^2 eps/(2 q ND), E2 = E1 - q N W/eps"""
    tot = V + KT * math.log(HEAVY * HEAVY / NI**2) - 2 * KT
    a = Q * LIGHT * WIDTH / EPS

    def area(E1):
        return E1**2 * EPS / (2 * Q * HEAVY) + (2 * E1 - a) / 2 * WIDTH + (E1 - a) ** 2 * EPS / (2 * Q * HEAVY)

    lo, hi = a, 1e8
    for _ in range(200):
        m = 0.5 * (lo + hi)
        lo, hi = (m, hi) if area(m) < tot else (lo, m)
    E1 = 0.5 * (lo + hi)
    E2 = E1 - a
    xp, xn = E1 * EPS / (Q * HEAVY), E2 * EPS / (Q * HEAVY)
    x = np.linspace(-xp, WIDTH + xn, npts)
    E = np.where(x < 0, E1 * (1 + x / xp), np.where(x <= WIDTH, E1 - Q * LIGHT * x / EPS, E2 * (1 - (x - WIDTH) / xn)))
    return x, np.maximum(E, 0.0)


def tridiagonal(a, b, c, d):
    n = len(d)
    cp, dp = np.empty(n), np.empty(n)
    cp[0], dp[0] = c[0] / b[0], d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i], dp[i] = c[i] / m, (d[i] - a[i] * dp[i - 1]) / m
    x = np.empty(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def f_eff(T, c):
    return 1.5 * (KB / Q) * np.maximum(T - TL, 0.0) / (VSAT[c] * TAUW[c])


def temperature(x, E, F, G, c, T):
    """carrier c's energy balance of the docstring on the uniform grid x (finite volumes, central
    fluxes), electrons moving to +x, holes to -x; F the carrier's flux (> 0) and G the pair
    generation per unit total flux; Picard iterations on mu(T) from the start T"""
    d, h, tau = (1.0 if c == 0 else -1.0), x[1] - x[0], TAUW[c]
    Ee = np.maximum(E, 1e3)
    hansch = 1.5 * KB * MU0[c] / (Q * tau * VSAT[c] ** 2)
    for _ in range(200):
        mu = MU0[c] / (1 + hansch * np.maximum(T - TL, 0.0))
        dens = F / (mu * Ee)
        kap = 2.5 * KB * KB / Q * mu * dens * T
        km, Fm = 0.5 * (kap[1:] + kap[:-1]), 0.5 * (F[1:] + F[:-1])
        # energy flux through k+1/2: d (5/2) k F (T_k + T_k+1)/2 - kappa (T_k+1 - T_k)/h
        s0, s1 = d * 1.25 * KB * Fm + km / h, d * 1.25 * KB * Fm - km / h
        n = len(x)
        A, B, C, D = np.zeros(n), np.ones(n), np.zeros(n), np.full(n, TL)
        B[1:-1] = (s0[1:] - s1[:-1]) / h + 1.5 * KB * dens[1:-1] / tau - 1.5 * KB * G[1:-1]
        C[1:-1], A[1:-1] = s1[1:] / h, -s0[:-1] / h
        D[1:-1] = Q * F[1:-1] * E[1:-1] + 1.5 * KB * dens[1:-1] * TL / tau
        Tn = np.maximum(tridiagonal(A, B, C, D), 10.0)
        done = np.max(np.abs(Tn - T)) < 1e-4 * np.max(T)
        T = 0.5 * (T + Tn)
        if done:
            break
    return T


def fluxes(x, an, ap, f0=1e-6):
    """F_n from the p+ edge with F_n + F_p = 1: dF_n/dx = alpha_n F_n + alpha_p F_p (Heun)"""
    Fn = np.empty_like(x)
    Fn[0] = f0
    for k in range(len(x) - 1):
        h = x[k + 1] - x[k]
        g0 = (an[k] - ap[k]) * Fn[k] + ap[k]
        g1 = (an[k + 1] - ap[k + 1]) * (Fn[k] + h * g0) + ap[k + 1]
        Fn[k + 1] = Fn[k] + 0.5 * h * (g0 + g1)
    Fn = np.clip(Fn, f0, 1 - f0)
    return Fn, 1 - Fn, an * Fn + ap * (1 - Fn)


def eb_integral(V):
    x, E = field(V)
    Tn, Tp = np.full_like(x, TL), np.full_like(x, TL)
    an, ap = alpha_vodm(E, 0), alpha_vodm(E, 1)
    for _ in range(30):
        Fn, Fp, G = fluxes(x, an, ap)
        Tn, Tp = temperature(x, E, Fn, G, 0, Tn), temperature(x, E, Fp, G, 1, Tp)
        an2, ap2 = alpha_vodm(f_eff(Tn, 0), 0), alpha_vodm(f_eff(Tp, 1), 1)
        done = np.max(np.abs(an2 - an)) < 1e-4 * np.max(an2) and np.max(np.abs(ap2 - ap)) < 1e-4 * np.max(ap2)
        an, ap = an2, ap2
        if done:
            break
    return electron_integral(x, an, ap)


def local_integral(V):
    x, E = field(V, 20001)
    return electron_integral(x, alpha_vodm(E, 0), alpha_vodm(E, 1))


def deck(transport, bv):
    xp, xn = 0.8, 0.8 + WIDTH * 1e4
    return f"""mesh:
  generate:
    x: [{{at: 0, step: 0.02}}, {{at: {xp}, step: 0.001}}, {{at: {xn:.6g}, step: 0.001}}, {{at: {xn + 0.8:.6g}, step: 0.02}}]
regions: [{{name: si, material: Si, box: {{x: [0, {xn + 0.8:.6g}]}}}}]
contacts:
  - {{name: anode, type: ohmic, box: {{x: [0, 0]}}}}
  - {{name: cathode, type: ohmic, box: {{x: [{xn + 0.8:.6g}, {xn + 0.8:.6g}]}}}}
doping:
  - {{profile: box, species: acceptor, conc: {HEAVY:g}, box: {{x: [0, {xp}]}}}}
  - {{profile: box, species: donor, conc: {LIGHT:g}, box: {{x: [{xp}, {xn:.6g}]}}}}
  - {{profile: box, species: donor, conc: {HEAVY:g}, box: {{x: [{xn:.6g}, {xn + 0.8:.6g}]}}}}
materials:
  Si: {{vsat: [{VSAT[0]:g}, {VSAT[1]:g}], tauw: [{TAUW[0]:g}, {TAUW[1]:g}]}}
physics: {{transport: {transport}, mobility: caughey-thomas, high_field: canali, recombination: [srh],
          impact_ionization: vanoverstraeten}}
solve:
  - breakdown: {{contact: cathode, to: {1.6 * bv:.4g}, step: {bv / 30:.3g}, current: 100}}
"""


def run(tcad, work, transport, bv):
    out = os.path.join(work, transport)
    with open(out + ".yaml", "w") as f:
        f.write(deck(transport, bv))
    # the relaxation floor of the energy balance at 1e-6 n_i instead of the default 1e-2 (no
    # effect on drift-diffusion): with the default the depletion carriers take the local-field
    # temperature up to ~1e-4 A/cm^2 and the I-V has a step there that the load line does not
    # always cross (docs/dev-notes.md; an open item of the impact-ionization issue)
    r = subprocess.run([tcad, "run", out + ".yaml", "-o", out, "-q", "-tcad_relax_floor", "1e-6"], capture_output=True,
                       text=True)
    if not check(r.returncode == 0, f"dead_space.{transport}.runs", f"exit {r.returncode}: {r.stderr[-600:]}"):
        return None, None
    s = json.load(open(os.path.join(out, "summary.json")))
    return abs(s.get("breakdown_voltage") or 0.0), s


IMPLANT = """mesh:
  generate:
    x: [{at: 0, step: 0.02}, {at: 2.0, step: 0.02}]
    y: [{at: -0.01, step: 0.002}, {at: 0, step: 0.001}, {at: 0.08, step: 0.008}, {at: 1.5, step: 0.08}]
regions:
  - {name: silicon, material: Si, box: {y: [0, 1.5]}}
  - {name: oxide, material: SiO2, box: {x: [0.4, 1.6], y: [-0.01, 0]}}
contacts:
  - {name: source, box: {x: [0, 0.3], y: [0, 0]}}
  - {name: drain, box: {x: [1.7, 2.0], y: [0, 0]}}
  - {name: bulk, box: {y: [1.5, 1.5]}}
  - {name: gate, type: gate, workfunction: 4.17, box: {x: [0.4, 1.6], y: [-0.01, -0.01]}}
doping:
  - {profile: uniform, species: acceptor, conc: 5e16}
  - {profile: gaussian, species: acceptor, peak: 1.5e17, axis: y, surface: 0, char: 0.05}
physics: {transport: energy-balance, impact_ionization: vanoverstraeten}
solve: [{equilibrium: {}}]
"""


def zero_bias(tcad, work):
    import h5py
    out = os.path.join(work, "implant")
    with open(out + ".yaml", "w") as f:
        f.write(IMPLANT)
    r = subprocess.run([tcad, "run", out + ".yaml", "-o", out, "-q"], capture_output=True, text=True)
    if not check(r.returncode == 0, "zero_bias.equilibrium_converges", f"exit {r.returncode}: {r.stderr[-500:]}"):
        return
    with open(os.path.join(out, "iv.csv")) as f:
        head = f.readline().strip().split(",")
        row = [float(v) for v in f.readline().strip().split(",")]
    cur = {h.split(" [")[0]: v for h, v in zip(head, row) if h.startswith("I(")}
    check(cur and max(abs(v) for v in cur.values()) < 1e-15, "zero_bias.no_current", str(cur))
    with h5py.File(os.path.join(out, "fields.h5"), "r") as f:
        n = int(f["steps"].attrs["nsteps"])
        t = np.concatenate([f["steps/%06d/%s_temperature" % (n - 1, c)][...] for c in ("electron", "hole")])
    check(np.max(np.abs(t - 300.0)) < 0.01, "zero_bias.carriers_at_lattice_temperature",
          f"temperatures {t.min():.3f} .. {t.max():.3f} K")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    tcad = os.path.join(build, "tcad")
    work = tempfile.mkdtemp(prefix="t065-", dir=os.environ.get("TCAD_TEST_TMP"))
    ref_dd = bisect(local_integral, 1.0, 200.0, 60)
    ref_eb = bisect(eb_integral, ref_dd, 3 * ref_dd, 30)
    bv_dd, s_dd = run(tcad, work, "drift-diffusion", ref_dd)
    bv_eb, s_eb = run(tcad, work, "energy-balance", ref_eb)
    zero_bias(tcad, work)
    print(f"# p+ n- n+ 0.4 um 1e16: drift-diffusion {bv_dd} V (independent local integral {ref_dd:.4g} V); "
          f"energy balance {bv_eb} V (independent energy-balance integral {ref_eb:.4g} V)")
    if bv_dd is None or bv_eb is None:
        return status()
    check(s_dd["breakdown"]["criterion_reached"] and abs(bv_dd / ref_dd - 1) < 0.03, "dead_space.drift_diffusion_bv",
          f"{bv_dd:.4g} V, independent {ref_dd:.4g} V ({100 * (bv_dd / ref_dd - 1):+.2f} %)")
    check(s_eb["breakdown"]["criterion_reached"] and abs(bv_eb / ref_eb - 1) < 0.06, "dead_space.energy_balance_bv",
          f"{bv_eb:.4g} V, independent {ref_eb:.4g} V ({100 * (bv_eb / ref_eb - 1):+.2f} %)")
    check(bv_eb > 1.05 * bv_dd and ref_eb > 1.05 * ref_dd, "dead_space.energy_balance_above_drift_diffusion",
          f"energy balance {bv_eb:.4g} V, drift-diffusion {bv_dd:.4g} V ({100 * (bv_eb / bv_dd - 1):+.1f} %); "
          f"independent {ref_eb:.4g} V against {ref_dd:.4g} V")
    for name, s in (("drift-diffusion", s_dd), ("energy-balance", s_eb)):
        c = s["cost"]
        print(f"# {name}: {c['bias_points']} points, {c['newton_iterations']} Newton iterations, "
              f"{c['wall_time_s']:.2f} s")
    return status()


if __name__ == "__main__":
    sys.exit(main())
