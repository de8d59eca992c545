/* The `breakdown` solve step: ramp one contact towards `to` until its current reaches the
 * criterion `current`, with avalanche generation in the equations (physics.impact_ionization).
 *
 * Below the knee the contact is stepped in voltage with the adaptive step of a sweep. Once the
 * current grows by more than a factor √10 in one step (dI/dV large), the contact is switched to
 * a drive in current (solver/contacts.c: its voltage becomes an unknown, the current its
 * equation) and the current is stepped logarithmically (a quarter decade at first, the solution
 * extrapolated in ln|I| from the last two points), up to the criterion exactly. A voltage-driven
 * contact has no steady state above the breakdown voltage and its Jacobian turns singular as
 * dI/dV grows (measured: no convergence beyond a multiplication of about 1e4 on a 1e16 junction);
 * in current the curve is smooth through the knee and, in a device that snaps back, through the
 * turn-around. A failed point is cut (the voltage step, then the current step, halved) and
 * retried from the last converged state; every converged point is recorded. The breakdown voltage
 * is the contact voltage at the criterion (interpolated in ln|I| when a voltage step crosses it). */
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
#define TCAD_BD_RLOAD 0.1
#define TCAD_BD_AVAL 0.1 /* the avalanche share of the contact current from which a steep rise is the knee */
#define TCAD_BD_II 0.5   /* the ionization integral from which a steep rise is the knee */
/* ln 1e4: a steep rise counts as the knee only once |I| is above 1e-4 of the criterion current.
 * Below, the contact's node sum, which the load line and the current drive steer by, can sit at
 * its rounding floor: the 1D p+n junction at 4e16 met the knee at 16 V and 6e-8 A/cm^2 (the
 * multiplication was 2) and no current step converged, down to 0.004 decades; with the rule its
 * voltage steps go on to 1e-6 A/cm^2 and the breakdown voltage is found (23.1 V). */
#define TCAD_BD_KNEE_MIN 9.210340371976184

/* The breakdown step steers by the contact's node sum (TcadSimContact.cur_node): on the load line
 * that is the current its drive equation holds, and the knee, the load line and the criterion
 * must see one current. (The weight-function current it reports is accurate where the node sum
 * of a heavily doped contact is not, below ~1e-6 A/cm^2 at 16 V: docs/dev-notes.md.) */
static double log_current(const TcadSim *s, int c) { return log(fmax(fabs(s->contacts[c].cur_node[2]), 1e-300)); }

int tcad_sim_breakdown(TcadSim *s, const TcadSolveStep *st, int c)
{
  TcadSimContact *sc = &s->contacts[c];
  const double v0 = sc->applied, vend = st->value[0], icrit = st->current, lcrit = log(icrit), r0 = sc->resistance;
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
  if (!sc->floating)
    return tcad_error(TCAD_ERR_INTERNAL, "contact '%s' was not prepared for a drive in current", sc->name);
  double *hist = malloc(2 * nx * sizeof(double));
  if (!hist) return tcad_error(TCAD_ERR_MEM, "out of memory");
  double *xa = hist, *xb = hist + nx, *x = TcadSimGetState(s);
  memcpy(xb, x, nx * sizeof(double));
  int e = tcad_sim_currents(s), nhist = 1, load = 0, npts = 0, aval = 0, knee = 0;
  /* the last two converged points: applied voltage (the ramp's variable below the knee), contact
   * voltage, ln|I| */
  double va = v0, vb = v0, ua = sc->voltage, ub = sc->voltage, lb = log_current(s, c);
  /* ln of the avalanche current (q ∫ G dV) at the last two points: the steps follow it, as it is
   * smooth where the contact current is not */
  double ga = -INFINITY, gb = -INFINITY;
  double dlog = TCAD_BD_DLOG0, sign = dir, vmax = -INFINITY, rload = 0, ia = 0, ib = sc->cur_node[2];
  /* ln of the current the load line steps: the contact's, or the avalanche current where that
   * is larger (a contact current at the rounding floor of its sums has no reliable size, nor
   * sign: the current flows in the ramp's direction) */
  double kb = lb;
  s->bd_contact = c, s->bd_voltage = NAN, s->bd_current = icrit, s->bd_reached = 0;
  if (!s->quiet)
    printf("  %-12s %s from %.4g V towards %.4g V until |I| = %.3g %s\n", what, sc->name, v0, vend, icrit,
           TcadSimGetCurrentUnit(s));
  while (!e) {
    double a, vt;
    if (!load) {
      vt = vb + dir * dv;
      if (dir * (vt - vend) > 0) vt = vend;
      a = (vt - vb) / (vb - va);
      tcad_sim_drive_voltage(s, c, vt);
    } else {
      double dg = dlog;
      if (kb + dg > lcrit) dg = fmax(lcrit - kb, 0.0) + 1e-3;
      /* the guess: along ln of the avalanche current (smooth where the contact current is at the
       * rounding floor of the contact sums), at most twice the last step on */
      a = gb > ga ? fmin(dg / (gb - ga), 2.0) : 0.0;
      if (load == 1) {
        /* on a load line: the contact voltage at the aimed current from the secant of V against
         * ln I_aval through the last two points, plus the drop on the resistance. R is at least
         * ten times |dV/dI| of the last step, so the line crosses the curve once and steeply
         * (the current is what the step controls) */
        double du = gb > ga ? (ub - ua) / (gb - ga) * dg : 0.0;
        du = fmax(-dvmax, fmin(dvmax, du));
        const double rs = ib != ia ? 10.0 * fabs((ub - ua) / (ib - ia)) : 0.0;
        sc->resistance = r0 + fmax(rload, isfinite(rs) ? rs : 0.0);
        vt = ub + du + sc->resistance * sign * exp(kb + dg);
        tcad_sim_drive_voltage(s, c, vt);
      } else {
        vt = vb;
        tcad_sim_drive_current(s, c, sign * exp(kb + dg)); /* the contact's own resistance stays */
      }
    }
    tcad_sim_update_bc(s);
    TcadSolveStats sst;
    const int last = load ? dlog <= TCAD_BD_DLOG_MIN * 1.0001 : dv <= dvmin * 1.0001;
    e = tcad_sim_try_point(s, nhist == 2 ? xa : NULL, xb, isfinite(a) ? a : 0.0, last, &sst);
    if (e) break;
    int to_load = 0;
    if (!sst.converged) {
      if (!load && nhist == 2 && gb > ga && knee) {
        to_load = 1; /* past the knee a failed voltage step is the vertical current: on to the load line */
      } else if (!load && dv > dvmin * 1.0001) {
        dv = fmax(0.5 * dv, dvmin);
      } else if (load && dlog > TCAD_BD_DLOG_MIN * 1.0001) {
        dlog = fmax(0.5 * dlog, TCAD_BD_DLOG_MIN);
      } else if (load == 1) {
        /* the load line folds (a snapback steeper than the line): drive the current itself */
        load = 2, dlog = TCAD_BD_DLOG0 / 4, sc->resistance = r0;
        if (!s->quiet) printf("  %-12s the load line cannot follow: driving the current from here\n", what);
        continue;
      } else {
        e = tcad_sim_no_convergence(s, what, &sst, load ? 0.0 : fabs(vt - vb));
        if (load)
          tcad_error_context("stepping the current of '%s' from %.4g %s by %.3g decades (on a load line, then in "
                             "current); the criterion %.3g %s was not reached",
                             sc->name, exp(lb), TcadSimGetCurrentUnit(s), dlog / TCAD_LN10, icrit,
                             TcadSimGetCurrentUnit(s));
        break;
      }
      if (!s->quiet && !to_load)
        printf("  %-12s step cut (%s after %d iterations): %s\n", what, sst.reason, sst.iterations,
               load ? "current step" : "voltage step");
    } else {
      if ((e = tcad_sim_record(s, what))) break;
      /* the avalanche current of this point: a rise that avalanche does not carry is no knee (a
       * small reverse current is at the rounding floor of the contact sums: 1e-8 A/cm^2 jumps by
       * 3x between points on a 1e17 junction) */
      double iaval = 0;
      if ((e = TcadSimGetImpactGeneration(s, NULL, NULL, &iaval))) break;
      aval = fabs(iaval) > TCAD_BD_AVAL * fabs(sc->cur_node[2]);
      const double lt = log_current(s, c), u = sc->voltage, uprev = ub, lprev = lb, gt = log(fmax(fabs(iaval), 1e-300));
      const double gprev = gb;
      memcpy(xa, xb, nx * sizeof(double));
      memcpy(xb, x, nx * sizeof(double));
      kb = fmax(lt, gt);
      va = vb, vb = vt, ua = ub, ub = u, lb = lt, ga = gb, gb = gt, ia = ib, ib = sign * exp(kb), nhist = 2;
      vmax = fmax(vmax, dir * u);
      if (lt >= lcrit) {
        /* the criterion, between this point and the last: interpolated in ln|I| */
        const double f = lt > lprev ? (lcrit - lprev) / (lt - lprev) : 1.0;
        s->bd_voltage = uprev + fmax(0.0, fmin(1.0, f)) * (u - uprev), s->bd_reached = 1;
        if (!s->quiet)
          printf("  %-12s breakdown voltage %.6g V (%s reaches %.3g %s; highest contact voltage %.6g V)\n", what,
                 s->bd_voltage, sc->name, icrit, TcadSimGetCurrentUnit(s), dir * vmax);
        break;
      }
      if (dir * (u - vend) >= 0) {
        if (!s->quiet)
          printf("  %-12s no breakdown up to %.6g V: |I(%s)| = %.3g %s < %.3g\n", what, vend, sc->name, exp(lt),
                 TcadSimGetCurrentUnit(s), icrit);
        break;
      }
      const int easy = sst.iterations - sst.repeat_its <= TCAD_SWEEP_EASY_ITS;
      npts++;
      /* (not on the first point: from equilibrium any current is a large step in ln|I|) */
      /* the knee: the avalanche current rises steeply, carries the contact current, and the
       * ionization integral is at 1/2 or more (a multiplication of 2) */
      double iin = 0, iip = 0;
      if (!load && s->iv && s->deck->physics.impact != TCAD_II_NONE)
        iin = s->ii_last, iip = s->ii_last_p; /* the IV row of this point has them (solver/record.c) */
      else if (!load && (e = TcadSimGetIonizationIntegrals(s, &iin, &iip, NULL)))
        break;
      knee = aval && fmax(iin, iip) >= TCAD_BD_II;
      if (!load && npts > 1 && gt - gprev > TCAD_BD_SWITCH && knee && lt > lcrit - TCAD_BD_KNEE_MIN)
        to_load = 1;
      else if (!load && easy)
        dv = fmin(dv * TCAD_SWEEP_GROW, dvmax);
      else if (load && easy)
        dlog = fmin(dlog * 1.5, TCAD_BD_DLOG_MAX);
    }
    if (to_load) {
      /* the load line: R I at the criterion is TCAD_BD_RLOAD of the contact voltage, so the
       * drive is the voltage while the current is small (and at the rounding floor of the
       * contact sums) and the current once R dI/dV > 1, where a voltage drive turns singular */
      load = 1;
      rload = TCAD_BD_RLOAD * fmax(fabs(ub), 1.0) / icrit;
      sc->resistance = r0 + rload;
      if (!s->quiet)
        printf("  %-12s the current rises steeply: stepping it on a load line of %.3g ohm (contact units) from here\n",
               what, rload);
    }
  }
  /* the contact keeps its own resistance, driven at the terminal voltage of the last point */
  sc->resistance = r0;
  tcad_sim_drive_voltage(s, c, TcadSimGetContactApplied(s, c));
  tcad_sim_update_bc(s);
  free(hist);
  TCAD_RETURN(e);
}
