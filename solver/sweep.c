/* Bias points: the equilibrium solve, voltage steps and sweeps with an adaptive step and
 * extrapolated initial guesses, and recording of every converged point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/linear.h"
#include "solver/sim_internal.h"
#include "tcad/error.h"

/* a density is extrapolated by at most this much in log (a factor 100): beyond it the two
 * previous points are in different regimes (a density pinned by the limiter, a junction
 * turning from forward to reverse) and the line through them is no guess at all */
#define TCAD_SWEEP_EXTRAP_MAX 4.605170185988091

/* Charge-neutral initial guess: ψ from the local doping, n and p in equilibrium. */
static void initial_guess(TcadSim *s)
{
  double *x = TcadSimGetState(s);
  const double *sv = s->D.p.sv;
  const int bs = s->bs;
  for (int i = 0; i < s->nnodes; i++) {
    double *xi = x + (size_t)bs * i;
    for (int t = 3; t < bs; t++) xi[t] = s->T / sv[t];
    if (!s->D.node_semi[i]) {
      xi[0] = xi[1] = xi[2] = 0;
      continue;
    }
    /* the neutral potential, with n, p from it by Boltzmann (not the contact's cancellation-free
     * form: the guess is the equilibrium the Poisson solve starts from) */
    double n, p;
    const double psi = tcad_ohmic_equilibrium(s->donors[i] - s->acceptors[i], s->nie, s->vt, &n, &p);
    tcad_equilibrium_densities(psi, 0.0, s->nie, s->vt, &n, &p);
    xi[0] = psi / sv[0];
    xi[1] = n / sv[1];
    xi[2] = p / sv[2];
  }
  for (int i = 0; i < s->nnodes; i++)
    if (s->D.node_bc[i] == TCAD_BC_GATE) x[(size_t)bs * i] = s->D.bc_value[(size_t)bs * i] / sv[0];
}

int tcad_sim_no_convergence(TcadSim *s, const char *what, const TcadSolveStats *st, double step)
{
  char label[512], hist[1024], hint[400];
  size_t w = 0;
  s->totals.final_failures++;
  tcad_sim_bias_label(s, label, sizeof label);
  hist[0] = 0;
  for (int k = 0; k < st->nhist && w < sizeof hist; k++)
    w += (size_t)snprintf(hist + w, sizeof hist - w, "%s%.2e", k ? " " : "", st->hist[k]);
  if (strstr(st->reason, "LINEAR_SOLVE") && s->lin)
    snprintf(hint, sizeof hint,
             "The linear solver (%s) failed, see the 'linear solve:' lines: keep -tcad_linear_cpu_fallback true, "
             "raise -tcad_linear_max_it, or solve directly (-tcad_linear direct, or cudss on a GPU)",
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

int TcadSimSolveEquilibrium(TcadSim *s)
{
  for (int c = 0; c < s->ncontacts; c++) tcad_sim_drive_voltage(s, c, 0.0), s->contacts[c].voltage = 0;
  tcad_sim_update_bc(s);
  initial_guess(s); /* from charge neutrality: a biased state is no start for Poisson */
  TcadSolveStats st;
  s->D.p.mode = TCAD_ASM_EQUILIBRIUM;
  TCAD_CALL(tcad_sim_newton(s, &st));
  if (!st.converged) return tcad_sim_no_convergence(s, "the equilibrium (nonlinear Poisson) solve", &st, 0);
  /* the coupled system at zero bias: the same solution, checked by Newton (1-2 iterations) */
  s->D.p.mode = TCAD_ASM_COUPLED;
  const int its = st.iterations;
  TCAD_CALL(tcad_sim_newton(s, &st));
  if (!st.converged) return tcad_sim_no_convergence(s, "the coupled solve at equilibrium", &st, 0);
  /* energy balance: at equilibrium T = T_L everywhere, so the DD solution is the solution with
   * the temperature equations on; Newton confirms it and the run continues with them on */
  if (s->bs > 3) {
    const int its2 = its + st.iterations;
    TCAD_CALL(TcadSimSetEnergy(s, 1, 1.0));
    TCAD_CALL(tcad_sim_newton(s, &st));
    if (!st.converged) return tcad_sim_no_convergence(s, "the energy-balance solve at equilibrium", &st, 0);
    s->last.iterations += its2;
  } else {
    s->last.iterations += its;
  }
  s->eq_done = 1;
  TCAD_RETURN(tcad_sim_record(s, "equilibrium"));
}

/* Add the work of a solve that failed and was retried to the statistics of the next. */
static void add_stats(TcadSolveStats *into, const TcadSolveStats *st)
{
  into->iterations += st->iterations, into->linear_its += st->linear_its, into->repeat_its += st->repeat_its;
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
    printf("  %-12s %s: %s after %d Newton iterations\n", "",
           on ? (f == 1.0 ? "energy balance" : "energy balance, tau_w scaled") : "drift-diffusion at this bias",
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
  const int e2 = TcadSimSetEnergy(s, 1, 1.0); /* on again, whatever happened */
  TCAD_CALL(e);
  TCAD_CALL(e2);
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
int tcad_sim_solve_point(TcadSim *s, TcadSolveStats *st, int last_resort)
{
  double v = NAN;
  int same = s->opt.equilibrium_bias, moved = 0;
  for (int c = 0; same && c < s->ncontacts; c++) {
    const TcadSimContact *sc = &s->contacts[c];
    if (sc->type != TCAD_CONTACT_OHMIC) continue;
    /* a contact driven in current sets no voltage; one behind a resistance its terminal's */
    const double vc = sc->drive == TCAD_DRIVE_CURRENT && sc->floating ? NAN : sc->applied;
    if (isnan(vc))
      same = 0;
    else if (isnan(v))
      v = vc;
    else
      same = vc == v;
  }
  if (same && !isnan(v)) /* no current flows: the resistances drop nothing */
    for (int c = 0; c < s->ncontacts; c++)
      if (s->contacts[c].type == TCAD_CONTACT_OHMIC && s->contacts[c].voltage != v)
        s->contacts[c].voltage = v, moved = 1;
  if (moved) tcad_sim_update_bc(s);
  if (!same || isnan(v)) {
    TCAD_CALL(tcad_sim_newton(s, st));
    if (st->converged || !s->D.p.energy || !last_resort) return 0;
    TCAD_RETURN(energy_fallback(s, st));
  }
  s->D.p.mode = TCAD_ASM_EQUILIBRIUM, s->D.p.efermi = v;
  const int e = tcad_sim_newton(s, st);
  s->D.p.mode = TCAD_ASM_COUPLED, s->D.p.efermi = 0;
  st->equilibrium = 1, s->last.equilibrium = 1;
  TCAD_RETURN(e);
}

void tcad_sim_extrapolate(const TcadSim *s, const double *xa, const double *xb, double a, double *x)
{
  /* linear in ψ, in log density, and linear in the temperatures within a factor 2 of the last
   * (a carrier temperature rises about linearly with the bias; the geometric extrapolation of a
   * density overshoots it, e.g. 300 → 700 K over 0.1 V guessed 1630 K for the next 0.1 V at the
   * MOSFET's drain end, and that step failed) */
  const size_t nx = (size_t)s->bs * s->nnodes;
  for (size_t k = 0; k < nx; k++) {
    const size_t r = k % (size_t)s->bs;
    if (r >= 3)
      x[k] = fmin(2.0 * xb[k], fmax(0.5 * xb[k], xb[k] + a * (xb[k] - xa[k])));
    else if (r == 0 || xb[k] <= 0 || xa[k] <= 0)
      x[k] = xb[k] + a * (xb[k] - xa[k]);
    else
      x[k] = xb[k] * exp(fmax(-TCAD_SWEEP_EXTRAP_MAX, fmin(TCAD_SWEEP_EXTRAP_MAX, a * log(xb[k] / xa[k]))));
  }
}

int tcad_sim_try_point(TcadSim *s, const double *xa, const double *xb, double a, int last_resort, TcadSolveStats *st)
{
  const size_t nx = (size_t)s->bs * s->nnodes;
  double *x = TcadSimGetState(s);
  tcad_sim_impact_directions(s, xb);
  if (xa && s->opt.extrapolate)
    tcad_sim_extrapolate(s, xa, xb, a, x);
  else
    memcpy(x, xb, nx * sizeof(double));
  s->stall_stop = !last_resort; /* a point that can still be cut is cut once Newton stalls */
  const int e = tcad_sim_solve_point(s, st, last_resort);
  s->stall_stop = 0;
  TCAD_CALL(e);
  if (!st->converged) memcpy(x, xb, nx * sizeof(double));
  return 0;
}

/* The terminal voltage a contact is driven at now: a contact driven in current sits at its
 * voltage plus the drop on its resistance. */
static double present_applied(const TcadSim *s, int c)
{
  const TcadSimContact *sc = &s->contacts[c];
  return sc->drive == TCAD_DRIVE_CURRENT && sc->floating ? TcadSimGetContactApplied(s, c) : sc->applied;
}

/* A sweep in current: the trigger (the highest voltage in the current's direction) and the
 * lowest voltage after it (the holding region), for summary.json. */
static void track_snapback(TcadSim *s, int c, double dir)
{
  const double v = dir * s->contacts[c].voltage, i = s->contacts[c].cur[2];
  if (s->sb_contact != c) s->sb_contact = c, s->sb_points = 0;
  if (!s->sb_points || v > s->sb_vt)
    s->sb_vt = s->sb_vh = v, s->sb_it = s->sb_ih = i;
  else if (v < s->sb_vh)
    s->sb_vh = v, s->sb_ih = i;
  s->sb_vlast = v, s->sb_points++;
}

/* A ramp in current runs in u = asinh(I/I_ref): logarithmic in |I| (a step of ln 10 is a decade)
 * well above I_ref, linear through zero. I_ref is a thousandth of the smaller end (a millionth
 * of a millionth of the target when the ramp starts from no current). */
static double current_ref(double i0, double i1) { return fmax(1e-3 * fmin(fabs(i0), fabs(i1)), 1e-12 * fabs(i1)); }

/* V_0 + k inc (k need not be whole) rounded to the decimal grid a millionth of inc fine (so 1.5, not
 * 1.4999999999999998), when V_0 lies on that grid; else as computed. */
static double nominal(double v0, double kg, double inc)
{
  const double v = v0 + kg * inc;
  if (inc == 0 || !isfinite(v)) return v;
  const double sc = pow(10.0, ceil(-log10(fabs(inc))) + 6);
  if (!isfinite(sc) || sc == 0 || fabs(v * sc) > 1e15 || fabs(v0 * sc) > 1e15) return v;
  const double r = round(v * sc) / sc;
  return round(v0 * sc) / sc == v0 && fabs(r - v) <= 1e-6 * fabs(inc) ? r : v;
}

/* The drives at t along the ramp s->ramp (each contact from v0 to v1): in voltage, the nominal
 * values V_0 + (t/g) inc (on a grid point t = k g exactly V_0 + k inc rounded; between grid
 * points, after a step cut, the same rounding moves the bias by less than a millionth of the
 * step), at t = 1 the ends exactly; in current, I_ref sinh(u). */
static void ramp_set(TcadSim *s, double t)
{
  const TcadRampState *r = &s->ramp;
  for (int k = 0; k < r->nc; k++) {
    const double u = r->v0[k] + t * (r->v1[k] - r->v0[k]);
    if (r->in_current)
      tcad_sim_drive_current(s, r->contact[k], t >= 1.0 ? r->ends[k] : r->iref * sinh(u));
    else
      tcad_sim_drive_voltage(s, r->contact[k],
                             t >= 1.0   ? r->ends[k]
                             : r->g > 0 ? nominal(r->v0[k], t / r->g, r->g * (r->v1[k] - r->v0[k]))
                                        : u);
  }
  tcad_sim_update_bc(s);
}

/* Go on along the ramp s->ramp from its point t (the state there in the sim; xa, when
 * s->ramp.nhist is 2, the converged state before it, at ta) to t = 1. With s->ramp.record
 * every converged point is recorded; otherwise only the end point. */
static int ramp_run(TcadSim *s, const double *xa0, const char *what)
{
  TcadRampState *r = &s->ramp;
  const size_t nx = (size_t)s->bs * s->nnodes;
  double *hist = malloc(2 * nx * sizeof(double)); /* the last two converged states along t */
  if (!hist) return tcad_error(TCAD_ERR_MEM, "out of memory");
  double *xa = hist, *xb = hist + nx;
  double *x = TcadSimGetState(s);
  memcpy(xb, x, nx * sizeof(double));
  if (r->nhist == 2 && xa0)
    memcpy(xa, xa0, nx * sizeof(double));
  else
    r->nhist = 1;
  const double unit = r->in_current ? TCAD_LN10 : 1.0;
  int e = 0;
  r->active = 1;
  /* A ramp in voltage visits its grid, t = k g (V_0 + k step on the contact that moves most),
   * and ends on t = 1 (its end voltages exactly): a step cut adds points between two grid
   * points, a step grown beyond g lands on a grid point. */
  while (r->t < 1.0 - 1e-12) {
    double tn = fmin(1.0, r->t + r->dt);
    if (r->g > 0) {
      const double knext = floor(r->t / r->g + 1e-9) + 1; /* the first grid point after t */
      if (tn >= (knext - 1e-9) * r->g) {
        tn = fmax(knext, floor(tn / r->g + 1e-9)) * r->g; /* at least that one, at most where dt goes */
        if (tn >= 1.0 - 1e-9 * r->g) tn = 1.0;
      }
    }
    ramp_set(s, tn);
    TcadSolveStats st;
    /* the energy-balance fallback (DD at this bias, then the temperatures) only once the step
     * cannot be cut any further: a smaller step is the cheaper cure */
    const double dtn = tn - r->t;
    const int last = dtn <= r->dtmin * (1 + 1e-9);
    e = tcad_sim_try_point(s, r->nhist == 2 ? xa : NULL, xb, (tn - r->tb) / (r->tb - r->ta), last, &st);
    if (e) break;
    if (!st.converged) {
      if (last) {
        e = tcad_sim_no_convergence(s, what, &st, dtn * r->span / unit);
        break;
      }
      r->dt = fmax(fmin(r->dt, dtn) * 0.5, r->dtmin);
      if (!s->quiet)
        printf("  %-12s step cut to %.3g %s (%s after %d iterations)\n", what, r->dt * r->span / unit,
               r->in_current ? "decades" : "V", st.reason, st.iterations);
      continue;
    }
    memcpy(xa, xb, nx * sizeof(double));
    memcpy(xb, x, nx * sizeof(double));
    r->ta = r->tb, r->tb = tn, r->t = tn;
    r->nhist = 2;
    if (st.iterations - st.repeat_its <= TCAD_SWEEP_EASY_ITS) r->dt = fmin(r->dt * TCAD_SWEEP_GROW, r->dtmax);
    if (r->record || r->t >= 1.0 - 1e-12) {
      s->rec_last = r->t >= 1.0 - 1e-12;
      e = tcad_sim_record(s, what);
      s->rec_last = 0;
      if (e) break;
      if (r->in_current && r->record) track_snapback(s, r->contact[0], r->ends[0] < 0 ? -1.0 : 1.0);
    }
  }
  if (e) /* leave the contacts at the last converged point */
    ramp_set(s, r->t);
  r->active = 0;
  free(hist);
  TCAD_RETURN(e);
}

/* Move contacts[k] from their present drives to ends[k] along t ∈ [0, 1]: terminal voltages, or
 * (in_current, one contact) a current, stepped in u above. With record, every converged point
 * is recorded; otherwise only the end point. */
static int ramp(TcadSim *s, int nc, const int *contact, const double *ends, double step, double min_step,
                double max_step, int record, const char *what, int in_current)
{
  TcadRampState *r = &s->ramp;
  if (nc > TCAD_SWEEP_MAX_CONTACTS || (in_current && nc != 1))
    return tcad_error(TCAD_ERR_INPUT, "too many contacts in one sweep");
  if (s->D.p.mode != TCAD_ASM_COUPLED)
    return tcad_error(TCAD_ERR_INTERNAL, "a bias step needs the equilibrium solution first");
  memset(r, 0, sizeof *r);
  r->nc = nc, r->record = record, r->in_current = in_current, r->iref = 1.0;
  for (int k = 0; k < nc; k++) r->contact[k] = contact[k], r->ends[k] = ends[k];
  if (in_current) {
    const TcadSimContact *sc = &s->contacts[contact[0]];
    if (!sc->floating)
      return tcad_error(TCAD_ERR_INTERNAL, "contact '%s' was not prepared for a drive in current", sc->name);
    TCAD_CALL(tcad_sim_currents(s));
    const double i0 = sc->drive == TCAD_DRIVE_CURRENT ? sc->target : sc->cur[2];
    r->iref = current_ref(i0, ends[0]);
    r->v0[0] = asinh(i0 / r->iref), r->v1[0] = asinh(ends[0] / r->iref);
    step *= TCAD_LN10, min_step *= TCAD_LN10, max_step *= TCAD_LN10;
  } else {
    for (int k = 0; k < nc; k++) r->v0[k] = present_applied(s, contact[k]), r->v1[k] = ends[k];
  }
  for (int k = 0; k < nc; k++) r->span = fmax(r->span, fabs(r->v1[k] - r->v0[k]));
  if (r->span == 0) {
    /* nothing moves: solve again where we are (parameters may have changed) */
    TcadSolveStats st;
    for (int k = 0; k < nc; k++)
      in_current ? tcad_sim_drive_current(s, contact[k], ends[k]) : tcad_sim_drive_voltage(s, contact[k], ends[k]);
    tcad_sim_update_bc(s);
    TCAD_CALL(tcad_sim_solve_point(s, &st, 1));
    if (!st.converged) return tcad_sim_no_convergence(s, what, &st, 0);
    r->t = 1.0;
    TCAD_RETURN(tcad_sim_record(s, what));
  }
  if (step <= 0 || step > r->span) step = r->span;
  if (max_step <= 0) max_step = step;
  if (min_step <= 0) min_step = step / 256;
  r->dt = step / r->span, r->dtmin = min_step / r->span, r->dtmax = max_step / r->span;
  r->g = in_current ? 0 : step / r->span;
  r->nhist = 1;
  TCAD_RETURN(ramp_run(s, NULL, what));
}

int TcadSimBias(TcadSim *s, int nc, const int *contact, const double *volts)
{
  double span = 0;
  for (int k = 0; k < nc; k++) span = fmax(span, fabs(volts[k] - present_applied(s, contact[k])));
  /* one jump when Newton takes it; halved on failure down to 1/256 of it */
  TCAD_RETURN(ramp(s, nc, contact, volts, span, 0, span, 0, "bias", 0));
}

int TcadSimSweep(TcadSim *s, int nc, const int *contact, const double *volts, double step, double min_step,
                 double max_step)
{
  TCAD_RETURN(ramp(s, nc, contact, volts, step, min_step, max_step, 1, "sweep", 0));
}

int TcadSimBiasCurrent(TcadSim *s, int c, double current)
{
  /* in steps of a quarter decade at first, growing while Newton finds them easy */
  TCAD_RETURN(ramp(s, 1, &c, &current, 0.25, 0, 2.0, 0, "bias", 1));
}

int TcadSimSweepCurrent(TcadSim *s, int c, double current, double step, double min_step, double max_step)
{
  TCAD_RETURN(ramp(s, 1, &c, &current, step, min_step, max_step, 1, "sweep", 1));
}

static int step_contacts(TcadSim *s, const TcadSolveStep *st, int *idx)
{
  for (int k = 0; k < st->ncontacts; k++) {
    idx[k] = TcadSimFindContact(s, st->contact[k]);
    if (idx[k] < 0)
      return tcad_error(TCAD_ERR_INPUT, "%s: no contact named '%s'", TcadDeckGetLocation(s->deck, st->loc),
                        st->contact[k]);
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
      printf("  transport: drift-diffusion, high-field mobility %s\n", P->hf == TCAD_ASM_HF_CANALI ? "Canali"
                                                                       : P->hf == TCAD_ASM_HF_HANSCH
                                                                           ? "Hänsch field law"
                                                                           : "none");
  }
  /* contacts with an initial `voltage` */
  int idx[TCAD_SWEEP_MAX_CONTACTS], n0 = 0, ncur = 0;
  double v[TCAD_SWEEP_MAX_CONTACTS];
  for (int c = 0; c < s->ncontacts && n0 < TCAD_SWEEP_MAX_CONTACTS; c++) {
    const TcadContactSpec *cs = NULL;
    for (int k = 0; k < d->ncontacts; k++)
      if (!strcmp(d->contacts[k].name, s->contacts[c].name)) cs = &d->contacts[k];
    if (cs && cs->voltage != 0) idx[n0] = c, v[n0++] = cs->voltage;
    if (cs && cs->has_current) ncur++;
  }
  /* the IV table's solve_step: the equilibrium that starts the run is the deck's first entry
   * when that is `equilibrium` and no contact starts biased; else it and the initial biases
   * are step 0 */
  TcadResume *R = &s->resume;
  const int resumed = R->pending;
  int first = 0, redo = 0; /* the first deck entry to run; a resumed one continues its ramp */
  if (!resumed) {
    s->solve_step = d->nsteps > 0 && d->steps[0].kind == TCAD_STEP_EQUILIBRIUM && !n0 && !ncur, s->step_point = 0;
    TCAD_CALL(TcadSimSolveEquilibrium(s));
  } else {
    if (!s->quiet)
      printf("resume: after point %d (solve step %d, its point %d)%s\n", s->npoints - 1, R->solve_step,
             R->step_point - 1, R->entry_done ? ", which ended it" : "");
    first = R->solve_step == 0 ? 0 : R->entry_done ? R->solve_step : R->solve_step - 1;
    redo = R->solve_step > 0 && !R->entry_done;
    s->solve_step = R->solve_step, s->step_point = R->step_point;
  }
  /* the start's points: the equilibrium, the initial bias, each initial current (a resumed run
   * makes those it had not made) */
  const int start = !resumed || R->solve_step == 0, made = resumed ? R->step_point : 1;
  int j = 1;
  if (start && n0 && made <= j++) TCAD_CALL(TcadSimBias(s, n0, idx, v));
  /* then those with an initial `current`, one after another */
  for (int c = 0; c < s->ncontacts; c++)
    for (int k = 0; k < d->ncontacts; k++)
      if (!strcmp(d->contacts[k].name, s->contacts[c].name) && d->contacts[k].has_current) {
        if (start && made <= j++) TCAD_CALL(TcadSimBiasCurrent(s, c, d->contacts[k].current));
        n0++;
      }
  R->pending = 0;
  for (int k = first; k < d->nsteps; k++) {
    const TcadSolveStep *st = &d->steps[k];
    int e = 0;
    if (st->kind == TCAD_STEP_EQUILIBRIUM) {
      if (k == 0 && !n0 && !resumed) continue; /* the equilibrium that starts every run */
    }
    s->solve_step = k + 1, s->step_point = 0;
    if (redo && k == first) { /* the resumed sweep or bias, from its last point */
      s->step_point = R->step_point;
      s->ramp = R->ramp;
      e = ramp_run(s, R->xa, R->ramp.record ? "sweep" : "bias");
    } else if (st->kind == TCAD_STEP_EQUILIBRIUM) {
      for (int c = 0; c < s->ncontacts; c++) idx[c] = c, v[c] = 0;
      e = TcadSimBias(s, s->ncontacts, idx, v);
    } else if (st->kind == TCAD_STEP_SAVE) {
      e = tcad_sim_save(s, st);
    } else if (st->kind == TCAD_STEP_LOAD) {
      e = tcad_sim_load(s, st);
    } else {
      TCAD_CALL(step_contacts(s, st, idx));
      s->ramp_contact = idx[0];
      if (st->kind == TCAD_STEP_BIAS)
        e = TcadSimBias(s, st->ncontacts, idx, st->value);
      else if (st->kind == TCAD_STEP_BREAKDOWN) {
        s->in_breakdown = 1;
        e = tcad_sim_breakdown(s, st, idx[0]);
        s->in_breakdown = 0;
      } else if (st->in_current)
        e = TcadSimSweepCurrent(s, idx[0], st->value[0], st->step, st->min_step, st->max_step);
      else
        e = TcadSimSweep(s, st->ncontacts, idx, st->value, st->step, st->min_step, st->max_step);
    }
    if (e) {
      tcad_error_context("%s: solve step %d", TcadDeckGetLocation(d, st->loc), k + 1);
      TCAD_RETURN(e);
    }
  }
  s->totals.t_total = tcad_now() - t0;
  return 0;
}
