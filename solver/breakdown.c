/* The `breakdown` solve step: ramp one contact towards `to` until its current reaches the
 * criterion `current`, with avalanche generation in the equations (physics.impact_ionization).
 *
 * Below the knee the contact is stepped in voltage with the adaptive step of a sweep. Once the
 * current grows by more than a factor √10 in one step (dI/dV large), the step is taken in the
 * current instead: each point aims at a current a fraction of a decade above the last
 * (initially a quarter), its voltage predicted by the secant of ln|I| against V through the
 * last two points, and the solution extrapolated from them. V(I) stays smooth where I(V) turns
 * vertical, so the steps reach the criterion without ever asking for a voltage above the
 * breakdown voltage, where a voltage-driven contact has no steady state. A failed point is cut
 * (the voltage step, then the current step, halved) and retried from the last converged state;
 * every converged point is recorded. The breakdown voltage is the contact voltage at the
 * criterion, interpolated in ln|I| between the two points around it.
 *
 * Newton at a fixed contact voltage stops converging once the multiplication is large (the
 * current is then nearly vertical in V, and the Jacobian nearly singular: measured on a 1e16
 * one-sided junction, no convergence beyond M ≈ 1e4 at steps of 4e-6 V). When the current steps
 * cannot be cut further while the current of the last step was vertical (d ln|I|/d ln|V| above
 * TCAD_BD_KNEE), the last
 * voltage is reported as the breakdown voltage (to within that step) and the
 * run says that the criterion current was not reached. A contact driven in current, which has no such limit,
 * is the next step of this work (docs/dev-notes.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/sim_internal.h"
#include "tcad/error.h"

#define TCAD_BD_SWITCH 1.1512925464970228 /* ln √10: the current growth per step that switches to current steps */
#define TCAD_BD_DLOG0 0.5756462732485114  /* ln 10 / 4: the first current step */
#define TCAD_BD_DLOG_MAX 1.1512925464970228
#define TCAD_BD_DLOG_MIN 0.008994473019508 /* ln 10 / 256 */
/* d ln|I| / d ln|V| of the last step above which the current counts as vertical (the knee): with
 * M = 1/(1 − II) and II ∝ V^m (m ≈ 5–10 near breakdown), d ln M/d ln V ≈ m M, so 1e3 means a
 * multiplication of order 100 or more; a leakage current has about 0.5 */
#define TCAD_BD_KNEE 1e3

static double log_current(const TcadSim *s, int c) { return log(fmax(fabs(s->contacts[c].cur[2]), 1e-300)); }

int tcad_sim_breakdown(TcadSim *s, const TcadSolveStep *st, int c)
{
  const double v0 = s->contacts[c].voltage, vend = st->value[0], icrit = st->current;
  const double dir = vend >= v0 ? 1.0 : -1.0, span = fabs(vend - v0);
  double dv = fmin(st->step, span), dvmax = st->max_step > 0 ? st->max_step : st->step;
  const double dvmin = st->min_step > 0 ? st->min_step : st->step / 256;
  const size_t nx = (size_t)s->bs * s->nnodes;
  const char *what = "breakdown";
  if (!s->D.p.impact)
    return tcad_error(TCAD_ERR_INPUT,
                      "%s: a breakdown step needs avalanche generation; add 'impact_ionization: "
                      "vanoverstraeten' (or selberherr, okuto) to 'physics'",
                      TcadDeckGetLocation(s->deck, st->loc));
  if (span == 0)
    return tcad_error(TCAD_ERR_INPUT, "%s: 'to' is the contact's present voltage; expected a ramp",
                      TcadDeckGetLocation(s->deck, st->loc));
  double *hist = malloc(2 * nx * sizeof(double));
  if (!hist) return tcad_error(TCAD_ERR_MEM, "out of memory");
  double *xa = hist, *xb = hist + nx, *x = TcadSimGetState(s);
  memcpy(xb, x, nx * sizeof(double));
  int e = tcad_sim_currents(s), nhist = 1, current_mode = 0, npts = 0;
  double va = v0, vb = v0, la = 0, lb = log_current(s, c), dlog = TCAD_BD_DLOG0, l_switch = 0, v_switch = v0;
  s->bd_contact = c, s->bd_voltage = NAN, s->bd_current = icrit, s->bd_reached = 0;
  if (!s->quiet)
    printf("  %-12s %s from %.4g V towards %.4g V until |I| = %.3g %s\n", what, s->contacts[c].name, v0, vend, icrit,
           TcadSimGetCurrentUnit(s));
  while (!e) {
    double vt;
    if (!current_mode) {
      vt = vb + dir * dv;
      if (dir * (vt - vend) > 0) vt = vend;
    } else {
      /* the secant of ln|I| against V through the last two points, for ln|I| = lb + dlog */
      const double slope = (lb - la) / (vb - va);
      double dvt = slope != 0 && isfinite(slope) ? dlog / slope : dir * dvmax;
      if (!(dir * dvt > 0)) dvt = dir * dvmin; /* the curve turned back: a small step on */
      if (fabs(dvt) > dvmax) dvt = dir * dvmax;
      vt = vb + dvt;
      if (dir * (vt - vend) > 0) vt = vend;
    }
    s->contacts[c].voltage = vt;
    tcad_sim_update_bc(s);
    TcadSolveStats sst;
    const int last = current_mode ? dlog <= TCAD_BD_DLOG_MIN * 1.0001 : dv <= dvmin * 1.0001;
    e = tcad_sim_try_point(s, nhist == 2 ? xa : NULL, xb, (vt - vb) / (vb - va), last, &sst);
    if (e) break;
    if (!sst.converged) {
      if (!current_mode && dv > dvmin * 1.0001) {
        dv = fmax(0.5 * dv, dvmin);
      } else if (!current_mode && nhist == 2) {
        current_mode = 1, l_switch = lb, v_switch = vb; /* the voltage step cannot be cut further: step the current */
      } else if (current_mode && dlog > TCAD_BD_DLOG_MIN * 1.0001) {
        dlog = fmax(0.5 * dlog, TCAD_BD_DLOG_MIN);
      } else if (current_mode && nhist == 2 && (lb - la) / fabs(vb - va) * fabs(vb) > TCAD_BD_KNEE) {
        /* Newton at a fixed voltage cannot go on: the current has become vertical in V (the
         * Jacobian's conditioning grows with the multiplication). The voltage is the breakdown
         * voltage to within the last step; the criterion current was not reached */
        s->bd_voltage = vb, s->bd_reached = 0;
        if (!s->quiet)
          printf("  %-12s breakdown voltage %.6g V: |I(%s)| rose from %.3g to %.3g %s within the last %.3g V, and a "
                 "voltage-driven contact can go no further (%s); the criterion %.3g %s was not reached\n",
                 what, vb, s->contacts[c].name, exp(l_switch), exp(lb), TcadSimGetCurrentUnit(s), fabs(vb - v_switch),
                 sst.reason, icrit, TcadSimGetCurrentUnit(s));
        break;
      } else {
        e = tcad_sim_no_convergence(s, what, &sst, fabs(vt - vb));
        break;
      }
      if (!s->quiet)
        printf("  %-12s step cut (%s after %d iterations): %s\n", what, sst.reason, sst.iterations,
               current_mode ? "current step" : "voltage step");
      continue;
    }
    if ((e = tcad_sim_record(s, what))) break;
    const double lt = log_current(s, c);
    memcpy(xa, xb, nx * sizeof(double));
    memcpy(xb, x, nx * sizeof(double));
    const double vprev = vb, lprev = lb;
    va = vb, la = lb, vb = vt, lb = lt, nhist = 2;
    if (lt >= log(icrit)) {
      /* the criterion, between this point and the last: interpolated in ln|I| */
      const double f = lt > lprev ? (log(icrit) - lprev) / (lt - lprev) : 1.0;
      s->bd_voltage = vprev + fmax(0.0, fmin(1.0, f)) * (vt - vprev), s->bd_reached = 1;
      if (!s->quiet)
        printf("  %-12s breakdown voltage %.6g V (%s reaches %.3g %s)\n", what, s->bd_voltage, s->contacts[c].name,
               icrit, TcadSimGetCurrentUnit(s));
      break;
    }
    if (dir * (vt - vend) >= 0) {
      if (!s->quiet)
        printf("  %-12s no breakdown up to %.6g V: |I(%s)| = %.3g %s < %.3g\n", what, vend, s->contacts[c].name,
               exp(lt), TcadSimGetCurrentUnit(s), icrit);
      break;
    }
    const int easy = sst.iterations <= TCAD_SWEEP_EASY_ITS;
    npts++;
    /* (not on the first point: from equilibrium any current is a large step in ln|I|) */
    if (!current_mode && npts > 1 && lt - lprev > TCAD_BD_SWITCH) {
      current_mode = 1, l_switch = lt, v_switch = vt;
      if (!s->quiet) printf("  %-12s the current rises steeply: stepping the current from here\n", what);
    } else if (!current_mode && easy) {
      dv = fmin(dv * TCAD_SWEEP_GROW, dvmax);
    } else if (current_mode && easy) {
      dlog = fmin(dlog * 1.5, TCAD_BD_DLOG_MAX);
    }
  }
  if (e) { /* leave the contact at the last converged point */
    s->contacts[c].voltage = vb;
    tcad_sim_update_bc(s);
  }
  free(hist);
  TCAD_RETURN(e);
}
