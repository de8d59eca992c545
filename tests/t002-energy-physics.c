/* Energy-balance edge physics (kernels/physics/energy.h):
 * - uniform temperature: the particle flux equals T × the Scharfetter–Gummel factor of
 *   kernels/physics/sg.h (PHYSICS.md §2's required self-check), electrons and holes;
 * - exactness: for linear ψ and T along the edge and a constant flux, the 1D drift-diffusion
 *   equation with temperature, integrated numerically (RK4 in long double, 2e5 steps) from
 *   n₁ with the flux the formula gives, must arrive at n₂ — an independent check of the
 *   derivation in the header;
 * - the logarithmic mean against a long-double evaluation of (T₂−T₁)/ln(T₂/T₁), across the
 *   series/closed-form switch;
 * - analytic derivatives against central finite differences (long double), including steep
 *   temperature gradients (300 K to 5000 K on one edge) and both field directions;
 * - Hänsch mobility: its derivative, and μ(T_L) = μ0;
 * - the smooth sign of the energy-balance flux and the relaxation floor's heating: values and
 *   derivatives. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels/physics/energy.h"
#include "kernels/physics/sg.h"
#include "tap.h"

static const double KQ = TCAD_KB / TCAD_Q; /* V/K */

/* the 1D equation: electrons n' = n g/T + G/(h T), holes p' = −p g'/T − G/(h T) with
 * g = qψ'/k − T' (electrons), g' = qψ'/k + T' (holes), T linear, from x = 0 to h = 1 */
static long double integrate(int carrier, double dpsik, double T1, double T2, double c1, double G)
{
  const int N = 200000;
  const long double h = 1.0L, dx = h / N, Tp = (T2 - T1) / h;
  const long double gn = dpsik / h - Tp, gp = dpsik / h + Tp;
  long double c = c1;
#define RHS(x, v)                                                                                                      \
  (carrier == 0 ? ((v)*gn + (long double)G / h) / (T1 + Tp * (x)) : (-(v)*gp - (long double)G / h) / (T1 + Tp * (x)))
  for (int k = 0; k < N; k++) {
    const long double x = k * dx;
    const long double k1 = RHS(x, c), k2 = RHS(x + dx / 2, c + dx / 2 * k1), k3 = RHS(x + dx / 2, c + dx / 2 * k2),
                      k4 = RHS(x + dx, c + dx * k3);
    c += dx / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
#undef RHS
  return c;
}

static long double logmean_ref(long double a, long double b)
{
  if (a == b) return a;
  return (b - a) / log1pl((b - a) / a); /* ln(b/a) without rounding b/a first */
}

int main(void)
{
  /* 1. uniform temperature = Scharfetter–Gummel */
  {
    const double T[] = {300.0, 77.0, 1500.0};
    const double dv[] = {0.0, 1e-9, 1e-4, 0.002, 0.0258, 0.1, 0.5, 2.0, 5.0};
    const double cs[][2] = {{1e10, 1e10}, {1e17, 1e3}, {1e3, 1e19}, {0.0, 1e16}};
    double worst = 0;
    for (int t = 0; t < 3; t++)
      for (int k = 0; k < 9; k++)
        for (int sgn = -1; sgn <= 1; sgn += 2)
          for (int c = 0; c < 4; c++)
            for (int car = 0; car < 2; car++) {
              double d[5], ds[3];
              const double vt = KQ * T[t], v = sgn * dv[k];
              const double G = tcad_eb_flux(car, v / KQ, T[t], T[t], cs[c][0], cs[c][1], d);
              const double g = car == 0 ? tcad_sg_electron(v / vt, cs[c][0], cs[c][1], ds)
                                        : tcad_sg_hole(v / vt, cs[c][0], cs[c][1], ds);
              const double scale = T[t] * fmax(cs[c][0], cs[c][1]) * (1.0 + fabs(v / vt));
              worst = fmax(worst, fabs(G - T[t] * g) / scale);
            }
    tap_check(worst < 1e-14, "energy.uniform_T_is_sg", "worst |G - T g| / term size %.2e", worst);
  }

  /* 2. exactness against the integrated 1D equation */
  {
    const double cases[][5] = {/* dpsik, T1, T2, c1, c2 */
                               {5000.0, 300.0, 3000.0, 1e16, 3e15},  {-5000.0, 300.0, 3000.0, 1e16, 3e15},
                               {20000.0, 2000.0, 400.0, 1e12, 1e17}, {0.0, 300.0, 1200.0, 5e17, 5e17},
                               {-800.0, 700.0, 650.0, 1e15, 2e15},   {300.0, 300.0, 300.0001, 1e15, 1.1e15}};
    double worst = 0;
    for (int k = 0; k < 6; k++)
      for (int car = 0; car < 2; car++) {
        const double *q = cases[k];
        double d[5];
        const double G = tcad_eb_flux(car, q[0], q[1], q[2], q[3], q[4], d);
        const long double c2 = integrate(car, q[0], q[1], q[2], q[3], G);
        worst = fmax(worst, (double)fabsl((c2 - q[4]) / q[4]));
      }
    tap_check(worst < 1e-10, "energy.flux_exact_for_linear_psi_T",
              "integrated n(h) vs n2: worst relative %.2e (RK4, 2e5 steps)", worst);
  }

  /* 3. logarithmic mean */
  {
    const double r[] = {1.0, 1.0 + 1e-12, 1.0 + 1e-6, 1.0 + 1e-3, 1.0199, 1.0203, 1.02021, 1.1, 2.0, 10.0, 30.0};
    double worst = 0, worstd = 0;
    for (int k = 0; k < 11; k++)
      for (int flip = 0; flip < 2; flip++) {
        const double a = 300.0, b = 300.0 * r[k], T1 = flip ? b : a, T2 = flip ? a : b;
        double d[2];
        const double th = tcad_logmean(T1, T2, d);
        worst = fmax(worst, (double)fabsl((th - logmean_ref(T1, T2)) / logmean_ref(T1, T2)));
        const long double h = 1e-2L; /* truncation ~1e-10; roundoff also small when long double is double (valgrind) */
        const long double f1 = (logmean_ref(T1 + h, T2) - logmean_ref(T1 - h, T2)) / (2 * h);
        const long double f2 = (logmean_ref(T1, T2 + h) - logmean_ref(T1, T2 - h)) / (2 * h);
        if (fabs(T2 - T1) > 1e-3) /* the long-double reference itself cancels closer */
          worstd = fmax(worstd, (double)fmaxl(fabsl(d[0] - f1), fabsl(d[1] - f2)));
      }
    tap_check(worst < 2e-15, "energy.logmean", "worst relative error %.2e", worst);
    tap_check(worstd < 1e-8, "energy.logmean_derivative", "worst absolute error %.2e", worstd);
  }

  /* 4. derivatives of G against central differences */
  {
    const double pts[][5] = {{5000.0, 300.0, 3000.0, 1e16, 3e15}, {-5000.0, 300.0, 5000.0, 1e3, 1e17},
                             {40000.0, 300.0, 310.0, 1e19, 1e10}, {-40000.0, 4000.0, 300.0, 1e10, 1e19},
                             {10.0, 300.0, 300.0, 1e15, 1e15},    {0.0, 300.0, 5000.0, 1e17, 1e17},
                             {1000.0, 1000.0, 1000.5, 1e12, 2e12}};
    double worst = 0;
    int at = -1, wk = -1;
    for (int p = 0; p < 7; p++)
      for (int car = 0; car < 2; car++) {
        double d[5], dd[5];
        const double G = tcad_eb_flux(car, pts[p][0], pts[p][1], pts[p][2], pts[p][3], pts[p][4], d);
        double scale = fabs(G);
        for (int k = 0; k < 5; k++) {
          double a[5], b[5];
          for (int m = 0; m < 5; m++) a[m] = b[m] = pts[p][m];
          const double h = 1e-6 * fmax(fabs(pts[p][k]), k == 0 ? 1.0 : k <= 2 ? 300.0 : 1e10);
          a[k] += h, b[k] -= h;
          const double ga = tcad_eb_flux(car, a[0], a[1], a[2], a[3], a[4], dd);
          const double gb = tcad_eb_flux(car, b[0], b[1], b[2], b[3], b[4], dd);
          const double fd = (ga - gb) / (2 * h);
          /* compare in units of G per relative change of the variable */
          const double var = fmax(fabs(pts[p][k]), k == 0 ? 1.0 : k <= 2 ? 300.0 : 1e10);
          scale = fmax(scale, fabs(d[k]) * var);
          const double err = fabs(d[k] - fd) * var;
          if (err > worst * scale) worst = err / scale, at = p, wk = k;
        }
      }
    tap_check(worst < 1e-6, "energy.flux_derivatives", "worst %.2e (point %d, variable %d)", worst, at, wk);
  }

  /* 5. Hänsch mobility */
  {
    double dm;
    const double mu0 = 1417.0, TL = 300.0, tw = 0.3e-12, vs = 1.07e7;
    const double m0 = tcad_mobility_hansch(mu0, TL, TL, tw, vs, &dm);
    double worst = 0;
    for (double T = 350.0; T < 1e4; T *= 1.7) {
      double d1, d2;
      const double m = tcad_mobility_hansch(mu0, T, TL, tw, vs, &dm);
      const double h = 1e-4 * T;
      const double fd =
          (tcad_mobility_hansch(mu0, T + h, TL, tw, vs, &d1) - tcad_mobility_hansch(mu0, T - h, TL, tw, vs, &d2)) /
          (2 * h);
      worst = fmax(worst, fabs(dm - fd) / fabs(fd));
      (void)m;
    }
    /* across the smoothed join at T_L, with steps well inside δ */
    for (double T = TL - 0.049; T < TL + 0.05; T += 0.00625) { /* not at T_L itself: C¹ there, not C² */
      double d1, d2;
      tcad_mobility_hansch(mu0, T, TL, tw, vs, &dm);
      const double h = 1e-6;
      const double fd =
          (tcad_mobility_hansch(mu0, T + h, TL, tw, vs, &d1) - tcad_mobility_hansch(mu0, T - h, TL, tw, vs, &d2)) /
          (2 * h);
      worst = fmax(worst, fabs(dm - fd) / (mu0 * 1.5 * 8.617333262e-5 * mu0 / (tw * vs * vs)));
    }
    tap_check(m0 == mu0, "energy.hansch_at_TL", "mu(T_L) %.17g vs mu0 %.17g", m0, mu0);
    tap_check(worst < 1e-7, "energy.hansch_derivative", "worst relative %.2e", worst);
    /* the closed form μ0/(1 + α(T − T_L)), α = 3kμ0/(2qτ_w v_sat²) (Hänsch et al.), away from the join */
    const double alpha = 1.5 * 8.617333262e-5 * mu0 / (tw * vs * vs);
    double wv = 0;
    for (double T = 310.0; T < 1e4; T *= 1.3) {
      const double m = tcad_mobility_hansch(mu0, T, TL, tw, vs, &dm);
      wv = fmax(wv, fabs(m / (mu0 / (1 + alpha * (T - TL))) - 1));
    }
    tap_check(wv < 1e-5, "energy.hansch_closed_form", "worst relative %.2e (join within 1e-4)", wv);
  }

  /* 5b. τ_w(T) = τ0 (1 + t1 x + t2 x²) and Hänsch with it: derivatives against differences */
  {
    const double mu0 = 1417.0, TL = 300.0, t0 = 0.3e-12, vs = 1.07e7, t1 = 0.6, t2 = -0.02;
    double worst = 0, wt = 0;
    for (double T = 301.0; T < 8000.0; T *= 1.37) {
      double dt, dtp, dtm, dm, d1, d2;
      const double h = 1e-6 * T;
      const double tau = tcad_tauw(t0, t1, t2, T, TL, &dt);
      const double tp = tcad_tauw(t0, t1, t2, T + h, TL, &dtp), tm = tcad_tauw(t0, t1, t2, T - h, TL, &dtm);
      wt = fmax(wt, fabs(dt - (tp - tm) / (2 * h)) / (t0 / TL));
      tcad_mobility_hansch_t(mu0, T, TL, tau, dt, vs, &dm);
      const double fd = (tcad_mobility_hansch_t(mu0, T + h, TL, tp, dtp, vs, &d1) -
                         tcad_mobility_hansch_t(mu0, T - h, TL, tm, dtm, vs, &d2)) /
                        (2 * h);
      worst = fmax(worst, fabs(dm - fd) / fmax(fabs(fd), 1e-3 * mu0 / TL));
      (void)tau;
    }
    double dt;
    tap_check(wt < 1e-7 && tcad_tauw(t0, t1, t2, TL, TL, &dt) == t0, "energy.tauw_polynomial", "worst %.2e", wt);
    tap_check(worst < 1e-6, "energy.hansch_with_tauw_T_derivative", "worst relative %.2e", worst);
  }

  /* 6. the field law matching Hänsch: in a homogeneous field the energy balance
   * q μ F² = (3/2) k (T − T_L)/τ_w with Hänsch's μ(T), solved here by bisection in T, gives
   * the mobility tcad_mobility_hansch_field returns, for any τ_w */
  {
    const double mu0 = 1417.0, TL = 300.0, vs = 1.07e7, kq = 8.617333262e-5;
    double worst = 0, wd = 0;
    for (double tw = 1e-14; tw < 1e-11; tw *= 10)
      for (double F = 1e2; F < 1e6; F *= 3.1) {
        double lo = TL + 1.0, hi = TL + 1e7, dm;
        for (int it = 0; it < 200; it++) { /* g(T) = q μ(T) F² − (3/2) k (T − T_L)/τ_w, decreasing */
          const double T = 0.5 * (lo + hi);
          const double g = tcad_mobility_hansch(mu0, T, TL, tw, vs, &dm) * F * F - 1.5 * kq * (T - TL) / tw;
          if (g > 0)
            lo = T;
          else
            hi = T;
        }
        const double mu_eb = tcad_mobility_hansch(mu0, 0.5 * (lo + hi), TL, tw, vs, &dm);
        double dmf, d1, d2;
        const double mu_dd = tcad_mobility_hansch_field(mu0, F, vs, &dmf);
        if (0.5 * (lo + hi) - TL > 10) worst = fmax(worst, fabs(mu_eb / mu_dd - 1));
        const double h = 1e-5 * F;
        const double fd =
            (tcad_mobility_hansch_field(mu0, F + h, vs, &d1) - tcad_mobility_hansch_field(mu0, F - h, vs, &d2)) /
            (2 * h);
        wd = fmax(wd, fabs(dmf - fd) / fabs(fd));
      }
    tap_check(worst < 1e-5, "energy.hansch_field_limit", "worst relative %.2e", worst);
    tap_check(wd < 1e-7, "energy.hansch_field_derivative", "worst relative %.2e", wd);
  }
  /* the smooth sign of the energy-balance flux (the generation's |flux|): its sign is the flux's
   * wherever the net flow exceeds 1e-1 of the one-way terms (|s| within 1 % of 1), it is 0 where
   * the flux is, and its derivatives match central differences, steep temperatures included */
  {
    const double Ts[] = {300.0, 300.5, 1200.0, 5000.0}, ps[] = {-30.0, -1.0, -1e-3, 0.0, 2e-3, 0.7, 25.0};
    const double cs[] = {1e2, 1e10, 1e16, 1e19}, eps = 1e-2;
    double worst = 0, wsign = 0;
    for (int c = 0; c < 2; c++)
      for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
          for (int k = 0; k < 7; k++)
            for (int m = 0; m < 4; m++) {
              const double u[5] = {ps[k] * Ts[a], Ts[a], Ts[b], cs[m], cs[(m + 1) % 4]};
              double d[5], dg[5], dd[5];
              const double sg = tcad_eb_flux_sign(c, u[0], u[1], u[2], u[3], u[4], eps, d);
              const double G = tcad_eb_flux(c, u[0], u[1], u[2], u[3], u[4], dg);
              const double one = fabs(dg[3] * u[3]) + fabs(dg[4] * u[4]); /* one-way terms */
              if (fabs(G) > 0.1 * one) wsign = fmax(wsign, fabs(sg - (G > 0 ? 1.0 : -1.0)));
              if (G == 0.0) wsign = fmax(wsign, fabs(sg));
              for (int v = 0; v < 5; v++) {
                double up[5], um[5];
                for (int q = 0; q < 5; q++) up[q] = um[q] = u[q];
                const double h = 1e-6 * fmax(fabs(u[v]), v == 0 ? 1.0 : 1.0);
                up[v] += h, um[v] -= h;
                const double fd = (tcad_eb_flux_sign(c, up[0], up[1], up[2], up[3], up[4], eps, dd) -
                                   tcad_eb_flux_sign(c, um[0], um[1], um[2], um[3], um[4], eps, dd)) /
                                  (2 * h);
                /* scaled by the variable: the change of s per relative change of the input */
                const double sc = fmax(fabs(u[v]), 1.0);
                worst = fmax(worst, fabs(d[v] - fd) * sc / (1.0 + fabs(fd) * sc));
              }
            }
    /* near balance, where s turns (c₂ = c₁ B(−y)/B(y) (1 + δ), equal temperatures): the sign
     * equals r/√(r² + ε²) with r = δ/(2 + δ), and its derivatives are large */
    double wbal = 0, wbd = 0;
    for (int c = 0; c < 2; c++)
      for (double y = -3.0; y < 5.0; y += 2.5)
        for (double dl = -0.05; dl < 0.06; dl += 0.01) {
          double db;
          const double T = 800.0, c1 = 1e12, sc = c ? -1.0 : 1.0; /* holes: y = −dpsik/Θ */
          const double c2 = c1 * tcad_bernoulli(-y, &db) / tcad_bernoulli(y, &db) * (1 + dl);
          const double u[5] = {sc * y * T, T, T, c1, c2};
          double d[5], dd[5];
          const double sg = tcad_eb_flux_sign(c, u[0], u[1], u[2], u[3], u[4], eps, d);
          const double r = dl / (2 + dl), want = sc * r / sqrt(r * r + eps * eps);
          wbal = fmax(wbal, fabs(sg - want));
          const double h = 1e-7 * T; /* through the potential */
          const double fd = (tcad_eb_flux_sign(c, u[0] + h, u[1], u[2], u[3], u[4], eps, dd) -
                             tcad_eb_flux_sign(c, u[0] - h, u[1], u[2], u[3], u[4], eps, dd)) /
                            (2 * h);
          wbd = fmax(wbd, fabs(d[0] - fd) / (fabs(fd) + 1e-12));
          const double hc = 1e-7 * c2; /* and c₂ */
          const double fc = (tcad_eb_flux_sign(c, u[0], u[1], u[2], u[3], u[4] + hc, eps, dd) -
                             tcad_eb_flux_sign(c, u[0], u[1], u[2], u[3], u[4] - hc, eps, dd)) /
                            (2 * hc);
          wbd = fmax(wbd, fabs(d[4] - fc) / (fabs(fc) + 1e-30));
        }
    tap_check(wbal < 1e-9, "energy.flux_sign_near_balance", "worst %.2e", wbal);
    tap_check(wbd < 1e-5, "energy.flux_sign_derivatives_near_balance", "worst relative %.2e", wbd);
    tap_check(wsign < 1e-2, "energy.flux_sign_is_the_flux_sign", "worst |s - sign| %.2e", wsign);
    tap_check(worst < 1e-5, "energy.flux_sign_derivatives", "worst scaled error %.2e", worst);
  }
  /* the relaxation floor's heating: with the floor's relaxation it gives the homogeneous-field
   * temperature, (3/2) k c_f (T − T_L)/τ_w = c_f q μ(E) E² per unit volume, with the Hänsch field
   * law or μ0, summed over the two ends of an edge of area A, length h; and dshare/dΔψ */
  {
    const double cf = 1e8, mu0 = 1417.0, vs = 1.07e7, A = 2.0, h = 1e-6;
    double worst = 0, wd = 0;
    for (int hf = 0; hf < 2; hf++)
      for (double E = -3e5; E <= 3e5; E += 7.3e4) {
        const double dpsi = E * h;
        double d, d1, d2, dm;
        const double sh = tcad_eb_floor_heat_share(cf, mu0, hf, vs, A / h, h, dpsi, &d);
        const double mu = hf ? tcad_mobility_hansch_field(mu0, fabs(E), vs, &dm) : mu0;
        const double want = -TCAD_Q * cf * mu * E * E * A * h; /* minus the power in the volume A h */
        worst = fmax(worst, fabs(2 * sh - want) / fmax(fabs(want), 1e-300));
        const double hh = 1e-6 * fmax(fabs(dpsi), 1e-3);
        const double fd = (tcad_eb_floor_heat_share(cf, mu0, hf, vs, A / h, h, dpsi + hh, &d1) -
                           tcad_eb_floor_heat_share(cf, mu0, hf, vs, A / h, h, dpsi - hh, &d2)) /
                          (2 * hh);
        wd = fmax(wd, fabs(d - fd) / fmax(fabs(fd), 1e-30 + fabs(d)));
      }
    tap_check(worst < 1e-12, "energy.floor_heat_is_local_field_power", "worst relative %.2e", worst);
    tap_check(wd < 1e-6, "energy.floor_heat_derivative", "worst relative %.2e", wd);
  }
  /* its gate, written here from g = b^2/(b^2 + V_T^2): closed at zero bias, 1/2 at one thermal
   * voltage, either sign alike, 1 − 1e-4 at 100 V_T */
  {
    const double vt = 0.025852;
    tap_check(tcad_eb_floor_gate(0.0, vt) == 0.0, "energy.floor_gate_closed_at_zero_bias", "g %g",
              tcad_eb_floor_gate(0.0, vt));
    tap_check(fabs(tcad_eb_floor_gate(vt, vt) - 0.5) < 1e-15 && fabs(tcad_eb_floor_gate(-vt, vt) - 0.5) < 1e-15,
              "energy.floor_gate_half_at_vt", "g %.17g", tcad_eb_floor_gate(vt, vt));
    tap_check(fabs(tcad_eb_floor_gate(100 * vt, vt) - 10000.0 / 10001.0) < 1e-15, "energy.floor_gate_open_at_bias",
              "g %.17g", tcad_eb_floor_gate(100 * vt, vt));
  }
  return tap_exit();
}
