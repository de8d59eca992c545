/* Validation of the energy-balance transport model (issue 6; shared PHYSICS.md §2):
 * 1. uniform silicon resistor, 1e3–1e5 V/cm: the electron temperature in the homogeneous
 *    middle against T_L + 2 q τ_w μ(E) E²/(3k), μ(E) measured from the simulated current, and
 *    against the closed-form homogeneous solution of the Hänsch model (analytic);
 * 2. uniform temperature: the carrier rows with the temperature equations on equal the
 *    Scharfetter–Gummel drift-diffusion rows (to rounding);
 * 3. energy conservation: Joule power + energy entering through the contacts = relaxation +
 *    recombination energy, per carrier, to solver tolerance (resistor, ballistic diode, 2D);
 * 4. τ_w → 0: the terminal current of an n⁺-n-n⁺ structure equals drift-diffusion's with the
 *    matching field-dependent mobility 2μ0/(1 + √(1 + (2μ0F/v_sat)²)) within 0.5 %;
 * 5. ballistic n⁺-n-n⁺ diode (0.1/0.4/0.1 µm, 5e17/2e15 cm⁻³, 1.5 V; the Baccarani & Wordeman
 *    1985 setup): velocity overshoot above v_sat near the n/n⁺ junction and a T_n peak of
 *    well over a thousand kelvin, where drift-diffusion stays at or below v_sat; the same
 *    point reached in one jump (the DD-then-energy-balance fallback) agrees with the sweep;
 * 6. the generated example MOSFET converges over its Id–Vd sweep in the energy-balance model. */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "kernels/physics/constants.h"
#include "tap.h"
#include "tcad/deck.h"
#include "tcad/error.h"
#include "tcad/geometry.h"
#include "tcad/material.h"
#include "tcad/petsc_error.h"
#include "tcad/sim.h"

#define KQ (TCAD_KB / TCAD_Q)

typedef TestDevice Dev;

static int dev_open(Dev *d, const char *text, const char *name)
{
  return test_device_open(text, name, &d->deck, &d->mesh, &d->geom, &d->sim);
}
static void dev_close(Dev *d) { test_device_close(&d->deck, &d->mesh, &d->geom, &d->sim); }

static int bias(Dev *d, const char *contact, double v)
{
  const int c = TcadSimFindContact(d->sim, contact);
  return TcadSimBias(d->sim, 1, &c, &v);
}

static double current(Dev *d, const char *contact)
{
  double cur[3];
  TcadSimGetContactCurrent(d->sim, TcadSimFindContact(d->sim, contact), cur);
  return cur[2];
}

/* |joule + contacts − relax − recomb| / (joule + |contacts|) for carrier c */
static double budget_error(Dev *d, int c, double *joule)
{
  double j[2], r[2], g[2], w[2];
  TcadSimGetEnergyBudget(d->sim, j, r, g, w);
  *joule = j[c];
  return fabs(j[c] + w[c] - r[c] - g[c]) / (fabs(j[c]) + fabs(w[c]) + fabs(r[c]) + fabs(g[c]));
}

/* 1 and 3: a 10 µm n-type resistor, N_D = 1e17 (dielectric relaxation much faster than the
 * transit, so the middle stays neutral and homogeneous up to 1e5 V/cm), constant μ0 with
 * Hänsch saturation, no recombination */
static const char *resistor_deck =
    "mesh:\n  generate:\n    x: [{at: 0, step: 0.02}, {at: 10, step: 0.02}]\n"
    "regions: [{name: si, material: Si, box: {x: [0, 10]}}]\n"
    "contacts:\n  - {name: cathode, type: ohmic, box: {x: [0, 0]}}\n  - {name: anode, type: ohmic, box: {x: [10, "
    "10]}}\n"
    "doping:\n  - {profile: uniform, species: donor, conc: 1e17}\n"
    "physics: {transport: energy-balance-electrons, mobility: constant, high_field: %s, recombination: []}\n";

static void resistor(void)
{
  char text[1024];
  snprintf(text, sizeof text, resistor_deck, "hansch");
  Dev d;
  int e = dev_open(&d, text, "resistor");
  tap_check(!e, "resistor.setup", "%s", tcad_error_message());
  if (e) {
    dev_close(&d);
    return;
  }
  const TcadMaterial *si = TcadDeckGetMaterial(d.deck, "Si");
  const double mu0 = si->mu_const[0], tw = si->tauw[0], vs = si->vsat[0], TL = 300.0;
  const int n = d.mesh->nnodes, mid = test_node_at(d.mesh, 5e-4);
  double *psi = malloc(sizeof(double) * n), *en = malloc(sizeof(double) * n), *tn = malloc(sizeof(double) * n);
  const double fields[5] = {1e3, 3e3, 1e4, 3e4, 1e5};
  double worst_mu = 0, worst_cf = 0, worst_b = 0;
  for (int k = 0; k < 5 && !e; k++) {
    e = bias(&d, "anode", fields[k] * 10e-4);
    if (e) break;
    TcadSimGetSolution(d.sim, psi, en, NULL);
    TcadSimGetEnergyFields(d.sim, tn, NULL, NULL, NULL, NULL, NULL);
    /* the field at the middle from the neighbours, the mobility from the terminal current */
    int lo = mid, hi = mid;
    for (int i = 0; i < n; i++) {
      if (fabs(d.mesh->coord[3 * i] - d.mesh->coord[3 * mid] + 0.02e-4) < 1e-9) lo = i;
      if (fabs(d.mesh->coord[3 * i] - d.mesh->coord[3 * mid] - 0.02e-4) < 1e-9) hi = i;
    }
    const double E = (psi[hi] - psi[lo]) / (d.mesh->coord[3 * hi] - d.mesh->coord[3 * lo]);
    const double mu = fabs(current(&d, "anode")) / (TCAD_Q * en[mid] * E);
    const double dT = tn[mid] - TL;
    const double want = 2.0 * tw * mu * E * E / (3.0 * KQ);
    /* Hänsch closed form: ΔT (1 + αΔT) = b, α = 3kμ0/(2qτ v_sat²), b = 2qτμ0E²/(3k) */
    const double alpha = 1.5 * KQ * mu0 / (tw * vs * vs), b = 2.0 * tw * mu0 * E * E / (3.0 * KQ);
    const double closed = (-1.0 + sqrt(1.0 + 4.0 * alpha * b)) / (2.0 * alpha);
    worst_mu = fmax(worst_mu, fabs(dT / want - 1));
    worst_cf = fmax(worst_cf, fabs(dT / closed - 1));
    double joule;
    worst_b = fmax(worst_b, budget_error(&d, 0, &joule));
    printf("# E %.3g V/cm: T_n %.2f K (T_L + 2qτμE²/3k: %.2f K, closed form %.2f K), mu %.1f cm2/Vs, "
           "Joule %.4g W/cm2\n",
           E, tn[mid], TL + want, TL + closed, mu, joule);
  }
  tap_check(!e, "resistor.bias_1e3_to_1e5_V_per_cm", "%s", tcad_error_message());
  tap_check(!e && worst_mu < 0.01, "resistor.temperature_vs_mu_E", "worst |ΔT/ΔT_ref − 1| %.2e", worst_mu);
  tap_check(!e && worst_cf < 0.01, "resistor.temperature_vs_hansch_closed_form", "worst %.2e", worst_cf);
  tap_check(!e && worst_b < 1e-6, "resistor.energy_conservation", "worst relative imbalance %.2e", worst_b);

  free(psi), free(en), free(tn);
  dev_close(&d);
}

/* 2. uniform temperature: the carrier rows with the temperature equations on (at T = T_L
 * everywhere) and off, at 10 V on the resistor with the low-field mobility (Hänsch at T_L is
 * μ0; the DD field laws are not) */
static void uniform_temperature(void)
{
  char text[1024];
  snprintf(text, sizeof text, resistor_deck, "none");
  Dev d;
  int e = dev_open(&d, text, "resistor_mu0");
  if (!e) e = bias(&d, "anode", 10.0);
  tap_check(!e, "uniform_temperature.setup", "%s", tcad_error_message());
  if (!e) {
    const int n = d.mesh->nnodes, bs = TcadSimGetBlockSize(d.sim);
    double *x = TcadSimGetState(d.sim), *f1 = malloc(sizeof(double) * bs * n), *f0 = malloc(sizeof(double) * bs * n);
    for (int i = 0; i < n; i++) x[bs * i + 3] = 1.0; /* T = T_L */
    TcadSimEvaluate(d.sim, 1, x, f1, NULL);
    TcadSimSetEnergy(d.sim, 0, 1.0);
    TcadSimEvaluate(d.sim, 1, x, f0, NULL);
    TcadSimSetEnergy(d.sim, 1, 1.0);
    double worst = 0, scale = 0;
    for (int i = 0; i < n; i++)
      for (int r = 1; r < 3; r++) scale = fmax(scale, fabs(f0[bs * i + r]));
    for (int i = 0; i < n; i++)
      for (int r = 1; r < 3; r++) worst = fmax(worst, fabs(f1[bs * i + r] - f0[bs * i + r]));
    /* the rows are sums of SG terms of size ~n μ V_T/h; their difference is rounding */
    tap_check(worst <= 1e-12 * scale || worst < 1e-9, "uniform_temperature.equals_scharfetter_gummel",
              "largest difference %.3e (largest row %.3e)", worst, scale);
    free(f0), free(f1);
  }
  dev_close(&d);
}

static const char *nnn_deck(char *buf, size_t n, const char *transport, const char *hf, double l1, double l2,
                            double nplus, double nlow, double step)
{
  snprintf(
      buf, n,
      "mesh:\n  generate:\n    x: [{at: 0, step: %g}, {at: %g, step: %g}, {at: %g, step: %g}, {at: %g, step: %g}]\n"
      "regions: [{name: si, material: Si, box: {x: [0, %g]}}]\n"
      "contacts:\n  - {name: cathode, type: ohmic, box: {x: [0, 0]}}\n"
      "  - {name: anode, type: ohmic, box: {x: [%g, %g]}}\n"
      "doping:\n  - {profile: uniform, species: donor, conc: %g}\n"
      "  - {profile: box, species: donor, conc: %g, box: {x: [0, %g]}}\n"
      "  - {profile: box, species: donor, conc: %g, box: {x: [%g, %g]}}\n"
      "physics: {transport: %s, mobility: constant, high_field: %s, recombination: [srh]}\n",
      2 * step, l1, step, l1 + l2, step, 2 * l1 + l2, 2 * step, 2 * l1 + l2, 2 * l1 + l2, 2 * l1 + l2, nlow, nplus, l1,
      nplus, l1 + l2, 2 * l1 + l2, transport, hf);
  return buf;
}

/* 4. τ_w → 0 against DD with the matching field law */
static void tau_limit(void)
{
  char text[2048];
  Dev eb, dd;
  int e = dev_open(&eb, nnn_deck(text, sizeof text, "energy-balance-electrons", "hansch", 0.5, 3.0, 1e18, 1e16, 0.01),
                   "nnn_eb");
  if (!e) e = TcadSimSetEnergy(eb.sim, 1, 1e-4);
  if (!e) e = bias(&eb, "anode", 4.0);
  tap_check(!e, "tau_limit.energy_balance", "%s", tcad_error_message());
  int e2 =
      dev_open(&dd, nnn_deck(text, sizeof text, "drift-diffusion", "hansch", 0.5, 3.0, 1e18, 1e16, 0.01), "nnn_dd");
  if (!e2) e2 = bias(&dd, "anode", 4.0);
  tap_check(!e2, "tau_limit.drift_diffusion", "%s", tcad_error_message());
  if (!e && !e2) {
    const double ie = current(&eb, "anode"), id = current(&dd, "anode");
    /* for the record: at full τ_w this 3 µm structure is nearly local (the ballistic diode
     * below is not) */
    TcadSimSetEnergy(eb.sim, 1, 1.0);
    const double v = 4.0;
    const int c = TcadSimFindContact(eb.sim, "anode");
    int e3 = TcadSimBias(eb.sim, 1, &c, &v);
    const double ifull = e3 ? NAN : current(&eb, "anode");
    printf("# tau_w x 1e-4: I = %.6e A/cm2; DD (Hänsch field law): %.6e; tau_w x 1: %.6e\n", ie, id, ifull);
    tap_check(fabs(ie / id - 1) < 0.005, "tau_limit.current_within_0.5_percent", "EB %.6e vs DD %.6e (%.3f %%)", ie, id,
              100 * (ie / id - 1));
    tap_check(!e3, "tau_limit.full_tau_resolve", "%s", tcad_error_message());
  }
  dev_close(&eb), dev_close(&dd);
}

/* 5. ballistic diode */
static void ballistic(void)
{
  char text[2048];
  Dev eb, dd, jump;
  const TcadMaterial *si = tcad_material_find("Si");
  const double vsat = si->vsat[0];
  int e =
      dev_open(&eb, nnn_deck(text, sizeof text, "energy-balance", "canali", 0.1, 0.4, 5e17, 2e15, 0.002), "ballistic");
  const int c = e ? 0 : TcadSimFindContact(eb.sim, "anode");
  const double to = 1.5;
  if (!e) e = TcadSimSweep(eb.sim, 1, &c, &to, 0.1, 0, 0);
  tap_check(!e, "ballistic.sweep_to_1.5V", "%s", tcad_error_message());
  int e2 = dev_open(&dd, nnn_deck(text, sizeof text, "drift-diffusion", "canali", 0.1, 0.4, 5e17, 2e15, 0.002),
                    "ballistic_dd");
  if (!e2) e2 = TcadSimSweep(dd.sim, 1, &c, &to, 0.1, 0, 0);
  tap_check(!e2, "ballistic.dd_sweep", "%s", tcad_error_message());
  if (!e && !e2) {
    const int n = eb.mesh->nnodes;
    double *tn = malloc(sizeof(double) * n), *v = malloc(sizeof(double) * 3 * n), *vd = malloc(sizeof(double) * 3 * n);
    TcadSimGetEnergyFields(eb.sim, tn, NULL, v, NULL, NULL, NULL);
    TcadSimGetEnergyFields(dd.sim, NULL, NULL, vd, NULL, NULL, NULL);
    int it = 0, iv = 0, ivd = 0;
    for (int i = 0; i < n; i++) {
      if (tn[i] > tn[it]) it = i;
      if (fabs(v[3 * i]) > fabs(v[3 * iv])) iv = i;
      if (fabs(vd[3 * i]) > fabs(vd[3 * ivd])) ivd = i;
    }
    const double xt = 1e4 * eb.mesh->coord[3 * it], xv = 1e4 * eb.mesh->coord[3 * iv];
    printf("# energy balance: T_n peak %.0f K at %.3f um, |v_n| peak %.3e cm/s at %.3f um; DD |v_n| peak %.3e cm/s "
           "at %.3f um; I = %.5e (EB) %.5e (DD) A/cm2\n",
           tn[it], xt, fabs(v[3 * iv]), xv, fabs(vd[3 * ivd]), 1e4 * dd.mesh->coord[3 * ivd], current(&eb, "anode"),
           current(&dd, "anode"));
    tap_check(fabs(v[3 * iv]) > 1.5 * vsat && xv > 0.45 && xv < 0.52, "ballistic.velocity_overshoot",
              "peak %.3e cm/s (v_sat %.3e) at %.3f um", fabs(v[3 * iv]), vsat, xv);
    tap_check(tn[it] > 1500 && xt > 0.4 && xt < 0.52, "ballistic.temperature_peak", "%.0f K at %.3f um", tn[it], xt);
    tap_check(fabs(vd[3 * ivd]) < 1.02 * vsat, "ballistic.dd_no_overshoot", "DD peak %.3e cm/s", fabs(vd[3 * ivd]));
    double joule;
    const double be = budget_error(&eb, 0, &joule), bh = budget_error(&eb, 1, &joule);
    tap_check(be < 1e-6 && bh < 1e-6, "ballistic.energy_conservation", "relative imbalance electrons %.2e, holes %.2e",
              be, bh);
    free(tn), free(v), free(vd);
    /* the same point in one step that Newton cannot take directly: DD there, then the
     * temperature equations (the fallback at the smallest step) */
    int e3 = dev_open(&jump, nnn_deck(text, sizeof text, "energy-balance", "canali", 0.1, 0.4, 5e17, 2e15, 0.002),
                      "ballistic_jump");
    if (!e3) e3 = TcadSimSweep(jump.sim, 1, &c, &to, 1.5, 1.5, 1.5);
    const TcadSolveStats *st = e3 ? NULL : TcadSimGetLastSolve(jump.sim);
    tap_check(!e3, "ballistic.one_jump", "%s", tcad_error_message());
    if (!e3) {
      const double a = current(&jump, "anode"), b = current(&eb, "anode");
      tap_check(fabs(a / b - 1) < 1e-8, "ballistic.one_jump_same_current", "%.12e vs %.12e (via %s)", a, b,
                st->fallback == 2   ? "DD and a tau_w ramp"
                : st->fallback == 1 ? "DD"
                                    : "direct Newton");
    }
    dev_close(&jump);
  }
  dev_close(&eb), dev_close(&dd);
}

/* 6. the example MOSFET, Id–Vd at Vg = 1.5 V in the energy-balance model */
static void mosfet(void)
{
  const char *root = getenv("TCAD_ROOT");
  char path[1024];
  snprintf(path, sizeof path, "%s/examples/mosfet2d-gen.yaml", root ? root : ".");
  PetscOptionsSetValue(NULL, "-tcad_transport", "energy-balance");
  Dev d = {0};
  int e = TcadDeckLoad(path, &d.deck);
  if (!e) e = TcadMeshCreateFromDeck(d.deck, &d.mesh);
  if (!e) e = TcadGeometryBuild(d.mesh, &d.geom);
  if (!e) e = TcadSimCreate(d.deck, d.mesh, d.geom, &d.sim);
  PetscOptionsClearValue(NULL, "-tcad_transport");
  if (!e) e = test_sim_on_backend(d.sim);
  if (!e) e = TcadSimSetOutput(d.sim, NULL, NULL, 1);
  if (!e) e = TcadSimSolveEquilibrium(d.sim);
  const int g = e ? 0 : TcadSimFindContact(d.sim, "gate"), dr = e ? 0 : TcadSimFindContact(d.sim, "drain");
  const double vg = 1.5, vd = 3.0;
  if (!e) e = TcadSimBias(d.sim, 1, &g, &vg);
  if (!e) e = TcadSimSweep(d.sim, 1, &dr, &vd, 0.1, 0, 0);
  tap_check(!e && TcadSimGetBlockSize(d.sim) == 5, "mosfet.idvd_energy_balance_converges", "%s", tcad_error_message());
  if (!e) {
    const int n = d.mesh->nnodes;
    double *tn = malloc(sizeof(double) * n), tmax = 0, joule;
    TcadSimGetEnergyFields(d.sim, tn, NULL, NULL, NULL, NULL, NULL);
    for (int i = 0; i < n; i++) tmax = fmax(tmax, tn[i]);
    const TcadSimTotals *t = TcadSimGetTotals(d.sim);
    const double be = budget_error(&d, 0, &joule);
    printf("# MOSFET EB: Id(3 V) = %.5e A/cm, T_n max %.0f K, %d points, %d Newton iterations, %d failures\n",
           current(&d, "drain"), tmax, t->points, t->newton_its, t->failures);
    tap_check(tmax > 1000, "mosfet.hot_electrons", "T_n max %.0f K", tmax);
    tap_check(be < 1e-6, "mosfet.energy_conservation", "relative imbalance %.2e", be);
    free(tn);
  }
  dev_close(&d);
}

int main(int argc, char **argv)
{
  TcadInitialize(&argc, &argv, NULL);
  const int go = test_backend_init(argv[0]); /* TCAD_TEST_BACKEND (tests/device.h) */
  if (go <= 0) return test_backend_stop(go);
  resistor();
  uniform_temperature();
  tau_limit();
  ballistic();
  mosfet();
  TcadFinalize();
  return tap_exit();
}
