/* Bias points: the equilibrium solve, voltage steps and sweeps with an adaptive step and
 * extrapolated initial guesses, and recording of every converged point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/linear.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"
#include "tcad/ivtable.h"

#define EASY_ITS 4      /* a step that converged in this many Newton iterations may grow */
#define GROW 1.5
/* a density is extrapolated by at most this much in log (a factor 100): beyond it the two
 * previous points are in different regimes (a density pinned by the limiter, a junction
 * turning from forward to reverse) and the line through them is no guess at all */
#define EXTRAP_MAX 4.605170185988091
#define MAX_CONTACTS 64

int TcadSimSetOutput(TcadSim *s, TcadOutput *out, const char *iv_csv, int quiet)
{
  s->out = out;
  s->quiet = quiet;
  if (!iv_csv) return 0;
  const int nc = s->ncontacts, ncol = 1 + 4 * nc;
  char (*names)[TCAD_NAME_MAX + 8] = calloc((size_t)ncol, sizeof *names);
  const char **np = calloc((size_t)ncol, sizeof *np), **up = calloc((size_t)ncol, sizeof *up);
  if (!names || !np || !up) {
    free(names), free(np), free(up);
    return tcad_error(TCAD_ERR_MEM, "out of memory");
  }
  s->iv_names = names, s->iv_colnames = np, s->iv_units = up, s->iv_ncol = ncol;
  snprintf(names[0], sizeof names[0], "point");
  up[0] = "1";
  static const char *pre[] = {"V", "In", "Ip", "I"};
  for (int c = 0; c < nc; c++)
    for (int k = 0; k < 4; k++) {
      snprintf(names[1 + 4 * c + k], sizeof names[0], "%s(%s)", pre[k], s->contacts[c].name);
      up[1 + 4 * c + k] = k == 0 ? "V" : TcadSimGetCurrentUnit(s);
    }
  for (int k = 0; k < ncol; k++) np[k] = names[k];
  return TcadIVTableOpen(iv_csv, ncol, np, up, &s->iv);
}

static void bias_label(const TcadSim *s, char *buf, size_t n)
{
  size_t w = 0;
  buf[0] = 0;
  for (int c = 0; c < s->ncontacts && w < n; c++)
    w += (size_t)snprintf(buf + w, n - w, "%s%s=%.4g", c ? " " : "", s->contacts[c].name, s->contacts[c].voltage);
}

/* Energy-balance fields: temperatures, drift velocities, energy flux densities (holes only with
 * their temperature equation). */
static int write_energy_fields(TcadSim *s)
{
  const int n = s->nnodes, holes = s->bs > 4;
  double *buf = calloc((size_t)n * 14, sizeof(double));
  if (!buf) return tcad_error(TCAD_ERR_MEM, "out of memory for output fields");
  double *tn = buf, *tp = buf + n, *vn = buf + 2 * n, *vp = buf + 5 * n, *sn = buf + 8 * n, *sp = buf + 11 * n;
  int e = TcadSimGetEnergyFields(s, tn, tp, vn, vp, sn, sp);
  if (!e) e = TcadOutputNodeField(s->out, "electron_temperature", "K", 1, tn);
  if (!e && holes) e = TcadOutputNodeField(s->out, "hole_temperature", "K", 1, tp);
  if (!e) e = TcadOutputNodeField(s->out, "electron_velocity", "cm/s", 3, vn);
  if (!e) e = TcadOutputNodeField(s->out, "hole_velocity", "cm/s", 3, vp);
  if (!e) e = TcadOutputNodeField(s->out, "electron_energy_flux", "W/cm^2", 3, sn);
  if (!e && holes) e = TcadOutputNodeField(s->out, "hole_energy_flux", "W/cm^2", 3, sp);
  free(buf);
  return e;
}

static int write_fields(TcadSim *s, const char *label)
{
  const int n = s->nnodes;
  double *buf = calloc((size_t)n * 15, sizeof(double));
  if (!buf) return tcad_error(TCAD_ERR_MEM, "out of memory for output fields");
  double *psi = buf, *en = buf + n, *hp = buf + 2 * n, *phin = buf + 3 * n, *phip = buf + 4 * n, *ef = buf + 5 * n,
         *jn = buf + 6 * n, *jp = buf + 9 * n, *rec = buf + 12 * n;
  TcadSimGetSolution(s, psi, en, hp);
  int e = TcadSimGetDerivedFields(s, phin, phip, ef, jn, jp, rec);
  if (!e) e = TcadOutputBeginStep(s->out, (double)s->npoints, label);
  for (int c = 0; !e && c < s->ncontacts; c++) {
    char name[TCAD_NAME_MAX + 8];
    snprintf(name, sizeof name, "V_%s", s->contacts[c].name);
    e = TcadOutputStepAttribute(s->out, name, s->contacts[c].voltage);
    snprintf(name, sizeof name, "I_%s", s->contacts[c].name);
    if (!e) e = TcadOutputStepAttribute(s->out, name, s->contacts[c].cur[2]);
  }
  if (!e) e = TcadOutputNodeField(s->out, "potential", "V", 1, psi);
  if (!e) e = TcadOutputNodeField(s->out, "electron_density", "cm^-3", 1, en);
  if (!e) e = TcadOutputNodeField(s->out, "hole_density", "cm^-3", 1, hp);
  if (!e) e = TcadOutputNodeField(s->out, "electron_qf_potential", "V", 1, phin);
  if (!e) e = TcadOutputNodeField(s->out, "hole_qf_potential", "V", 1, phip);
  if (!e) e = TcadOutputNodeField(s->out, "electric_field_magnitude", "V/cm", 1, ef);
  if (!e) e = TcadOutputNodeField(s->out, "electron_current_density", "A/cm^2", 3, jn);
  if (!e) e = TcadOutputNodeField(s->out, "hole_current_density", "A/cm^2", 3, jp);
  if (!e) e = TcadOutputNodeField(s->out, "recombination", "cm^-3 s^-1", 1, rec);
  if (!e && s->bs > 3) e = write_energy_fields(s);
  if (!e) e = TcadOutputEndStep(s->out);
  free(buf);
  return e;
}

int tcad_sim_record(TcadSim *s, const char *what)
{
  char label[512];
  const double t0 = tcad_now();
  TCAD_CALL(tcad_sim_currents(s));
  bias_label(s, label, sizeof label);
  const TcadSolveStats *st = &s->last;
  if (!s->quiet) {
    printf("  %-12s %-40s newton %2d%s  |F| %.2e  %.3f s", what, label, st->iterations,
           st->equilibrium ? "e" : st->fallback == 1 ? "d" : st->fallback == 2 ? "r" : " ",
           st->fnorm, st->seconds);
    for (int c = 0; c < s->ncontacts; c++)
      if (s->contacts[c].type == TCAD_CONTACT_OHMIC) printf("  I(%s)=%.4e", s->contacts[c].name, s->contacts[c].cur[2]);
    printf("\n");
    fflush(stdout);
  }
  if (s->out) TCAD_CALL(write_fields(s, label));
  if (s->iv) {
    double row[1 + 4 * MAX_CONTACTS];
    row[0] = s->npoints;
    for (int c = 0; c < s->ncontacts && c < MAX_CONTACTS; c++) {
      row[1 + 4 * c] = s->contacts[c].voltage;
      for (int k = 0; k < 3; k++) row[2 + 4 * c + k] = s->contacts[c].cur[k];
    }
    TCAD_CALL(TcadIVTableAppend(s->iv, row));
    if (s->out) {
      const double *data;
      int nrows = TcadIVTableGetRows(s->iv, &data);
      TCAD_CALL(TcadOutputTable(s->out, "iv", s->iv_ncol, s->iv_colnames, s->iv_units, nrows, data));
    }
  }
  s->npoints++;
  s->totals.points++;
  s->totals.t_output += tcad_now() - t0;
  return 0;
}

/* Charge-neutral initial guess: ψ from the local doping, n and p in equilibrium. */
static void initial_guess(TcadSim *s)
{
  double *x = TcadSimGetState(s);
  const double *sv = s->D.p.sv;
  const int bs = s->bs;
  for (int i = 0; i < s->nnodes; i++) {
    double *xi = x + (size_t)bs * i;
    for (int t = 3; t < bs; t++) xi[t] = s->T / sv[t];
    if (!s->node_semi[i]) {
      xi[0] = xi[1] = xi[2] = 0;
      continue;
    }
    const double N = s->donors[i] - s->acceptors[i], psi = s->vt * asinh(N / (2 * s->nie));
    xi[0] = psi / sv[0];
    xi[1] = s->nie * exp(psi / s->vt) / sv[1];
    xi[2] = s->nie * exp(-psi / s->vt) / sv[2];
  }
  for (int i = 0; i < s->nnodes; i++)
    if (s->node_bc[i] == TCAD_BC_GATE) x[(size_t)bs * i] = s->bc_value[(size_t)bs * i] / sv[0];
}

static int no_convergence(TcadSim *s, const char *what, const TcadSolveStats *st, double step)
{
  char label[512], hist[1024], hint[400];
  size_t w = 0;
  bias_label(s, label, sizeof label);
  hist[0] = 0;
  for (int k = 0; k < st->nhist && w < sizeof hist; k++)
    w += (size_t)snprintf(hist + w, sizeof hist - w, "%s%.2e", k ? " " : "", st->hist[k]);
  if (strstr(st->reason, "LINEAR_SOLVE") && s->lin)
    snprintf(hint, sizeof hint,
             "The linear solver (%s) failed, see the 'linear solve:' lines: keep -tcad_gpu_cpu_fallback true, "
             "raise -tcad_gpu_max_it, or solve directly (-tcad_gpu_solver off, or cudss on a GPU)",
             tcad_linear_name(s->lin));
  else if (strstr(st->reason, "LINEAR_SOLVE"))
    snprintf(hint, sizeof hint,
             "The linear solver failed: with -tcad_linear krylov, try the default direct solver, or "
             "-ksp_max_it 2000");
  else
    snprintf(hint, sizeof hint,
             "Try a smaller min_step, a finer mesh where the fields are high, -tcad_damp_volts 0.1 (stronger "
             "damping) or -snes_max_it 60");
  return tcad_error(TCAD_ERR_CONVERGE,
                    "%s did not converge at %s even with the smallest step (%.3g V): %s after %d Newton "
                    "iterations, residual history [%s]. Every earlier bias point is saved. %s",
                    what, label, step, st->reason, st->iterations, hist, hint);
}

int TcadSimEquilibrium(TcadSim *s)
{
  for (int c = 0; c < s->ncontacts; c++) s->contacts[c].voltage = 0;
  tcad_sim_update_bc(s);
  initial_guess(s); /* from charge neutrality: a biased state is no start for Poisson */
  TcadSolveStats st;
  s->D.p.mode = TCAD_ASM_EQUILIBRIUM;
  TCAD_CALL(tcad_sim_newton(s, &st));
  if (!st.converged) return no_convergence(s, "the equilibrium (nonlinear Poisson) solve", &st, 0);
  /* the coupled system at zero bias: the same solution, checked by Newton (1-2 iterations) */
  s->D.p.mode = TCAD_ASM_COUPLED;
  const int its = st.iterations;
  TCAD_CALL(tcad_sim_newton(s, &st));
  if (!st.converged) return no_convergence(s, "the coupled solve at equilibrium", &st, 0);
  /* energy balance: at equilibrium T = T_L everywhere, so the DD solution is the solution with
   * the temperature equations on; Newton confirms it and the run continues with them on */
  if (s->bs > 3) {
    const int its2 = its + st.iterations;
    TCAD_CALL(TcadSimSetEnergy(s, 1, 1.0));
    TCAD_CALL(tcad_sim_newton(s, &st));
    if (!st.converged) return no_convergence(s, "the energy-balance solve at equilibrium", &st, 0);
    s->last.iterations += its2;
  } else {
    s->last.iterations += its;
  }
  s->eq_done = 1;
  return tcad_sim_record(s, "equilibrium");
}

/* Add the work of a solve that failed and was retried to the statistics of the next. */
static void add_stats(TcadSolveStats *into, const TcadSolveStats *st)
{
  into->iterations += st->iterations, into->linear_its += st->linear_its;
  into->seconds += st->seconds, into->t_assembly += st->t_assembly, into->t_linear += st->t_linear;
  into->t_copy += st->t_copy;
}

/* One Newton solve with the temperature equations on or off (τ_w scaled by f); its work is
 * added to acc. */
static int attempt(TcadSim *s, int on, double f, TcadSolveStats *sub, TcadSolveStats *acc)
{
  TCAD_CALL(TcadSimSetEnergy(s, on, f));
  TCAD_CALL(tcad_sim_newton(s, sub));
  add_stats(acc, sub);
  if (!s->quiet)
    printf("  %-12s %s: %s after %d Newton iterations\n", "", on ? (f == 1.0 ? "energy balance" : "energy balance, tau_w scaled")
                                                                  : "drift-diffusion at this bias",
           sub->converged ? "converged" : sub->reason, sub->iterations);
  return 0;
}

/* An energy-balance bias point that Newton did not take directly from the guess even with the
 * smallest step: converge DD
 * there first (temperature equations off, T = T_L), then switch them on from that state; if
 * that fails, ramp τ_w up from 1e-3 of its value in decades (a small τ_w keeps T near T_L: the
 * DD limit). A failed Newton leaves the state where it started, so each attempt continues from
 * the last converged one. st accumulates every attempt; st->converged tells the outcome. */
static int energy_fallback(TcadSim *s, TcadSolveStats *st)
{
  static const double ramp[] = {1e-3, 1e-2, 1e-1, 1.0};
  TcadSolveStats sub, acc = *st;
  int e = attempt(s, 0, 1.0, &sub, &acc), how = 0;
  if (!e && sub.converged) {
    e = attempt(s, 1, 1.0, &sub, &acc);
    how = 1;
    for (int k = 0; !e && !sub.converged && k < 4; k++) {
      e = attempt(s, 1, ramp[k], &sub, &acc);
      how = 2;
    }
  }
  const int e2 = TcadSimSetEnergy(s, 1, 1.0);
  if (e || e2) return e ? e : e2;
  acc.converged = sub.converged;
  snprintf(acc.reason, sizeof acc.reason, "%s", sub.reason);
  acc.fnorm = sub.fnorm, acc.update = sub.update, acc.nhist = sub.nhist;
  memcpy(acc.hist, sub.hist, sizeof acc.hist);
  acc.fallback = sub.converged ? how : 0;
  *st = acc;
  s->last = acc;
  return 0;
}

/* One bias point from the guess in X. With every ohmic contact at one voltage V and no current
 * source other than contacts, the steady state is thermal equilibrium with Fermi potential V
 * (gates pass no DC current), so it is solved as nonlinear Poisson: exact, and well posed where
 * the coupled system is not (a MOS-C inversion layer reaches its only carrier contact through
 * depleted bulk, and its quasi-Fermi level is then fixed only to rounding error). The state is
 * then that of the coupled system (n, p are carried along), which continues from it. */
static int solve_point(TcadSim *s, TcadSolveStats *st, int last_resort)
{
  double v = NAN;
  int same = s->eq_bias;
  for (int c = 0; same && c < s->ncontacts; c++) {
    if (s->contacts[c].type != TCAD_CONTACT_OHMIC) continue;
    if (isnan(v)) v = s->contacts[c].voltage;
    else same = s->contacts[c].voltage == v;
  }
  if (!same || isnan(v)) {
    const int e = tcad_sim_newton(s, st);
    if (e || st->converged || !s->D.p.energy || !last_resort) return e;
    return energy_fallback(s, st);
  }
  s->D.p.mode = TCAD_ASM_EQUILIBRIUM, s->D.p.efermi = v;
  const int e = tcad_sim_newton(s, st);
  s->D.p.mode = TCAD_ASM_COUPLED, s->D.p.efermi = 0;
  st->equilibrium = 1, s->last.equilibrium = 1;
  return e;
}

/* Move contacts[k] from their present voltages to volts[k] along t ∈ [0, 1]. With record, every
 * converged point is recorded; otherwise only the end point. */
static int ramp(TcadSim *s, int nc, const int *contact, const double *volts, double step, double min_step,
                double max_step, int record, const char *what)
{
  double v0[MAX_CONTACTS], span = 0;
  if (nc > MAX_CONTACTS) return tcad_error(TCAD_ERR_INPUT, "too many contacts in one sweep");
  for (int k = 0; k < nc; k++) v0[k] = s->contacts[contact[k]].voltage, span = fmax(span, fabs(volts[k] - v0[k]));
  if (s->D.p.mode != TCAD_ASM_COUPLED)
    return tcad_error(TCAD_ERR_INTERNAL, "a bias step needs the equilibrium solution first");
  if (span == 0) {
    /* no voltage moves: solve again where we are (parameters may have changed) */
    TcadSolveStats st;
    TCAD_CALL(solve_point(s, &st, 1));
    if (!st.converged) return no_convergence(s, what, &st, 0);
    return tcad_sim_record(s, what);
  }
  if (step <= 0 || step > span) step = span;
  if (max_step <= 0) max_step = step;
  if (min_step <= 0) min_step = step / 256;
  const size_t nx = (size_t)s->bs * s->nnodes;
  double *hist = malloc(2 * nx * sizeof(double)); /* the last two converged states along t */
  if (!hist) return tcad_error(TCAD_ERR_MEM, "out of memory");
  double *xa = hist, *xb = hist + nx, ta = 0, tb = 0;
  int nhist = 1, e = 0;
  double *x = TcadSimGetState(s);
  memcpy(xb, x, nx * sizeof(double));
  double t = 0, dt = step / span;
  const double dtmin = min_step / span, dtmax = max_step / span;
  while (t < 1.0 - 1e-12) {
    const double tn = fmin(1.0, t + dt);
    for (int k = 0; k < nc; k++) s->contacts[contact[k]].voltage = v0[k] + tn * (volts[k] - v0[k]);
    tcad_sim_update_bc(s);
    /* initial guess from the last two points: linear in ψ, in log density, and linear in the
     * temperatures within a factor 2 of the last (a carrier temperature rises about linearly
     * with the bias; the geometric extrapolation of a density overshoots it, e.g. 300 → 700 K
     * over 0.1 V guessed 1630 K for the next 0.1 V at the MOSFET's drain end, and that step
     * failed) */
    if (nhist == 2 && s->extrapolate) {
      const double a = (tn - tb) / (tb - ta);
      for (size_t k = 0; k < nx; k++) {
        const size_t r = k % (size_t)s->bs;
        if (r >= 3) x[k] = fmin(2.0 * xb[k], fmax(0.5 * xb[k], xb[k] + a * (xb[k] - xa[k])));
        else if (r == 0 || xb[k] <= 0 || xa[k] <= 0) x[k] = xb[k] + a * (xb[k] - xa[k]);
        else x[k] = xb[k] * exp(fmax(-EXTRAP_MAX, fmin(EXTRAP_MAX, a * log(xb[k] / xa[k]))));
      }
    } else {
      memcpy(x, xb, nx * sizeof(double));
    }
    TcadSolveStats st;
    /* the energy-balance fallback (DD at this bias, then the temperatures) only once the step
     * cannot be cut any further: a smaller step is the cheaper cure */
    e = solve_point(s, &st, dt <= dtmin * (1 + 1e-9));
    if (e) break;
    if (!st.converged) {
      memcpy(x, xb, nx * sizeof(double));
      if (dt <= dtmin * (1 + 1e-9)) {
        e = no_convergence(s, what, &st, dt * span);
        break;
      }
      dt = fmax(dt * 0.5, dtmin);
      if (!s->quiet) printf("  %-12s step cut to %.3g V (%s after %d iterations)\n", what, dt * span, st.reason,
                            st.iterations);
      continue;
    }
    memcpy(xa, xb, nx * sizeof(double));
    memcpy(xb, x, nx * sizeof(double));
    ta = tb, tb = tn, t = tn;
    nhist = 2;
    if (record || t >= 1.0 - 1e-12) {
      e = tcad_sim_record(s, what);
      if (e) break;
    }
    if (st.iterations <= EASY_ITS) dt = fmin(dt * GROW, dtmax);
  }
  if (e) {
    /* leave the contacts at the last converged point */
    for (int k = 0; k < nc; k++) s->contacts[contact[k]].voltage = v0[k] + t * (volts[k] - v0[k]);
    tcad_sim_update_bc(s);
  }
  free(hist);
  return e;
}

int TcadSimBias(TcadSim *s, int nc, const int *contact, const double *volts)
{
  double span = 0;
  for (int k = 0; k < nc; k++) span = fmax(span, fabs(volts[k] - s->contacts[contact[k]].voltage));
  /* one jump when Newton takes it; halved on failure down to 1/256 of it */
  return ramp(s, nc, contact, volts, span, 0, span, 0, "bias");
}

int TcadSimSweep(TcadSim *s, int nc, const int *contact, const double *volts, double step, double min_step,
                 double max_step)
{
  return ramp(s, nc, contact, volts, step, min_step, max_step, 1, "sweep");
}

static int step_contacts(TcadSim *s, const TcadSolveStep *st, int *idx)
{
  for (int k = 0; k < st->ncontacts; k++) {
    idx[k] = TcadSimFindContact(s, st->contact[k]);
    if (idx[k] < 0)
      return tcad_error(TCAD_ERR_INPUT, "%s: no contact named '%s'", TcadDeckWhere(s->deck, st->loc), st->contact[k]);
  }
  return 0;
}

int TcadSimRunDeck(TcadSim *s)
{
  const TcadDeck *d = s->deck;
  const double t0 = tcad_now();
  if (!s->quiet) {
    printf("solve: equilibrium, then %d step%s\n", d->nsteps, d->nsteps == 1 ? "" : "s");
    const TcadAsmParams *P = &s->D.p;
    if (s->bs > 3)
      printf("  transport: energy balance (%s; %d unknowns per node), tau_w %.3g ps (electrons)%s%.3g ps (holes), "
             "mobility %s; DD equilibrium first, then the temperature equations\n",
             s->bs == 5 ? "electron and hole temperatures" : "electron temperature", s->bs, 1e12 * s->tauw[0],
             s->bs == 5 ? ", " : ", holes drift-diffusion; ", 1e12 * s->tauw[1],
             P->hf != TCAD_ASM_HF_NONE ? "Hänsch (carrier-temperature saturation)" : "low-field (no saturation)");
    else
      printf("  transport: drift-diffusion, high-field mobility %s\n",
             P->hf == TCAD_ASM_HF_CANALI ? "Canali" : P->hf == TCAD_ASM_HF_HANSCH ? "Hänsch field law" : "none");
  }
  TCAD_CALL(TcadSimEquilibrium(s));
  /* contacts with an initial `voltage` */
  int idx[MAX_CONTACTS], n0 = 0;
  double v[MAX_CONTACTS];
  for (int c = 0; c < s->ncontacts && n0 < MAX_CONTACTS; c++) {
    const TcadContactSpec *cs = NULL;
    for (int k = 0; k < d->ncontacts; k++)
      if (!strcmp(d->contacts[k].name, s->contacts[c].name)) cs = &d->contacts[k];
    if (cs && cs->voltage != 0) idx[n0] = c, v[n0++] = cs->voltage;
  }
  if (n0) TCAD_CALL(TcadSimBias(s, n0, idx, v));
  for (int k = 0; k < d->nsteps; k++) {
    const TcadSolveStep *st = &d->steps[k];
    int e = 0;
    if (st->kind == TCAD_STEP_EQUILIBRIUM) {
      if (k == 0 && !n0) continue; /* the equilibrium that starts every run */
      for (int c = 0; c < s->ncontacts; c++) idx[c] = c, v[c] = 0;
      e = TcadSimBias(s, s->ncontacts, idx, v);
    } else {
      TCAD_CALL(step_contacts(s, st, idx));
      if (st->kind == TCAD_STEP_BIAS) e = TcadSimBias(s, st->ncontacts, idx, st->value);
      else e = TcadSimSweep(s, st->ncontacts, idx, st->value, st->step, st->min_step, st->max_step);
    }
    if (e) {
      tcad_error_context("%s: solve step %d", TcadDeckWhere(d, st->loc), k + 1);
      return e;
    }
  }
  s->totals.t_total = tcad_now() - t0;
  return 0;
}
