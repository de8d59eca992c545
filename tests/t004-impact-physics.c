/* The impact-ionization coefficients and the drift-diffusion driving forces
 * (kernels/physics/impact.h, kernels/physics/driving_force.h), on the host:
 * - α of van Overstraeten–de Man and Okuto–Crowell against the closed forms evaluated here in long
 *   double from the papers' parameters, and against the textbook anchor α_n(3e5 V/cm) ≈ 1.2e4 /cm
 *   (Si, 300 K); the two hole ranges of van Overstraeten–de Man meet at 4e5 V/cm;
 * - every derivative against central differences;
 * - γ(300 K) = 1 and γ rising with T (fewer ionizations when hot); the energy-balance effective
 *   field against (3/2)(k/q)ΔT/(v_sat τ_w) evaluated here;
 * - the Joule driving force: |E| where ∇φ = E, ≈ √(E∇φ) where E < ∇φ, the field counted up to
 *   1.25 ∇φ where it is larger (the formula written out here), 0 against the field;
 *   the field parallel to the current: +|E| for drift, negative for diffusion against the field. */
#include <math.h>
#include <stdio.h>

#include "kernels/physics/driving_force.h"
#include "kernels/physics/impact.h"
#include "tap.h"

static const TcadImpactCoef vodm_e = {TCAD_IMPACT_CHYNOWETH, 7.03e5, 1.231e6, 7.03e5, 1.231e6, 1e300};
static const TcadImpactCoef vodm_h = {TCAD_IMPACT_CHYNOWETH, 1.582e6, 2.036e6, 6.71e5, 1.693e6, 4e5};
static const TcadImpactCoef okuto_e = {TCAD_IMPACT_OKUTO, 0.426, 4.81e5, 0.426, 4.81e5, 1e300};

static double fd_alpha(const TcadImpactCoef *c, double F)
{
  double d;
  const double h = 1e-6 * F;
  return (tcad_impact_alpha(c, F + h, &d) - tcad_impact_alpha(c, F - h, &d)) / (2 * h);
}

int main(void)
{
  double d;
  /* closed forms */
  const double F = 3e5;
  const long double ref_e = 7.03e5L * expl(-1.231e6L / 3e5L), ref_ok = 0.426L * 3e5L * expl(-powl(4.81e5L / 3e5L, 2));
  const double ae = tcad_impact_alpha(&vodm_e, F, &d), ao = tcad_impact_alpha(&okuto_e, F, &d);
  tap_check(fabs(ae / (double)ref_e - 1) < 1e-14 && ae > 1.0e4 && ae < 1.3e4, "impact.vodm_electrons_3e5",
            "%.6g /cm (closed form %.6Lg)", ae, ref_e);
  tap_check(fabs(ao / (double)ref_ok - 1) < 1e-14, "impact.okuto_electrons_3e5", "%.6g /cm (closed form %.6Lg)", ao,
            ref_ok);
  const double below = tcad_impact_alpha(&vodm_h, 4e5 * (1 - 1e-12), &d), above = tcad_impact_alpha(&vodm_h, 4e5, &d);
  tap_check(fabs(below / above - 1) < 2e-3, "impact.vodm_holes_join_at_4e5", "%.6g below, %.6g above", below, above);
  /* derivatives */
  double worst = 0;
  const TcadImpactCoef *cs[3] = {&vodm_e, &vodm_h, &okuto_e};
  for (int k = 0; k < 3; k++)
    for (double f = 5e4; f < 2e6; f *= 1.37) {
      if (fabs(f - 4e5) < 1e3) continue; /* the hole ranges' join is only C0 */
      tcad_impact_alpha(cs[k], f, &d);
      worst = fmax(worst, fabs(d / fd_alpha(cs[k], f) - 1));
    }
  tap_check(worst < 1e-6, "impact.dalpha_dF", "worst relative error %.2e", worst);
  tap_check(tcad_impact_alpha(&vodm_e, 0.0, &d) == 0.0 && d == 0.0 && tcad_impact_alpha(&okuto_e, -1e5, &d) == 0.0,
            "impact.zero_without_field", "%s", "alpha or its derivative not 0");
  /* temperature */
  const double g400 = tcad_impact_gamma(400.0, 0.063), kq = 8.617333262e-5;
  const double g400_ref = tanh(0.063 / (2 * kq * 300.0)) / tanh(0.063 / (2 * kq * 400.0));
  tap_check(fabs(tcad_impact_gamma(300.0, 0.063) - 1) < 1e-12 && fabs(g400 / g400_ref - 1) < 1e-6 && g400 > 1.05,
            "impact.gamma", "gamma(400 K) %.6f (closed form %.6f)", g400, g400_ref);
  const double Ft = tcad_impact_field_from_temperature(1000.0, 300.0, 1.07e7, 3e-13, 0.0, &d);
  const double Ft_ref = 1.5 * kq * 700.0 / (1.07e7 * 3e-13);
  tap_check(fabs(Ft / Ft_ref - 1) < 1e-6 && fabs(d * 700.0 / Ft - 1) < 1e-12, "impact.field_from_temperature",
            "%.6g V/cm (closed form %.6g)", Ft, Ft_ref);
  { /* with τ_w(T) = τ (1 + 0.3 (T/T_L − 1)): dF/dT against a central difference */
    const double T = 1500.0, h = 1e-3, tau = 3e-13 * (1 + 0.3 * (T / 300 - 1)), dtau = 3e-13 * 0.3 / 300;
    double dd;
    tcad_impact_field_from_temperature(T, 300.0, 1.07e7, tau, dtau, &d);
    const double fp = tcad_impact_field_from_temperature(T + h, 300.0, 1.07e7, tau + h * dtau, dtau, &dd);
    const double fm = tcad_impact_field_from_temperature(T - h, 300.0, 1.07e7, tau - h * dtau, dtau, &dd);
    tap_check(fabs(d / ((fp - fm) / (2 * h)) - 1) < 1e-6, "impact.field_from_temperature_derivative",
              "dF/dT %.8g, central difference %.8g", d, (fp - fm) / (2 * h));
  }
  { /* Okuto–Crowell's temperature law and γ applied to Chynoweth's a and b */
    const TcadImpactCoef ok =
        tcad_impact_coef(TCAD_IMPACT_OKUTO, 0.426, 4.81e5, 0, 0, 0, 3.05e-4, 6.86e-4, 0.063, 400.0);
    const TcadImpactCoef ch =
        tcad_impact_coef(TCAD_IMPACT_CHYNOWETH, 7.03e5, 1.231e6, 7.03e5, 1.231e6, 1e300, 0, 0, 0.063, 400.0);
    tap_check(fabs(ok.a / (0.426 * 1.0305) - 1) < 1e-12 && fabs(ok.b / (4.81e5 * 1.0686) - 1) < 1e-12 &&
                  fabs(ch.a / (7.03e5 * g400_ref) - 1) < 1e-6 && fabs(ch.b / (1.231e6 * g400_ref) - 1) < 1e-6,
              "impact.coefficients_at_400K", "Okuto a %.6g b %.6g, Chynoweth a %.6g b %.6g", ok.a, ok.b, ch.a, ch.b);
  }
  /* the Joule driving force */
  double dj[2], dj2[2];
  const double Fd = tcad_driving_force_joule(1e5, 1e5, 0.05, 10.0, dj);
  tap_check(fabs(Fd - (1e5 - 10.0) - 10.0 * 10.0 / (2e5)) < 1e-6 * 1e5, "driving_force.joule_drift_is_the_field",
            "%.9g V/cm at E = grad phi = 1e5", Fd);
  /* G² = E ∇φ √(1 + 4ε²)/√(1 + ε²(E/∇φ + ∇φ/E)²): the geometric mean, less the smoothing, where
   * the field is below the quasi-Fermi gradient (∇φ = 2E and 10E) */
  const double Fm = tcad_driving_force_joule(1e4, 1e5, 0.05, 0.0, dj),
               Fm2 = tcad_driving_force_joule(5e4, 1e5, 0.05, 0.0, dj);
  const double Fm_ref = sqrt(1e9 * sqrt(1 + 4 * 0.0025) / sqrt(1 + 0.0025 * pow(10.1, 2)));
  tap_check(fabs(Fm / Fm_ref - 1) < 1e-12 && fabs(Fm2 / sqrt(5e9) - 1) < 2e-3, "driving_force.joule_geometric_mean",
            "%.6g V/cm at E = grad phi/10 (formula %.6g), %.6g at E = grad phi/2 (sqrt(E grad phi) %.6g)", Fm, Fm_ref,
            Fm2, sqrt(5e9));
  /* a field above the quasi-Fermi gradient counts up to 1.25 of it (kernels/physics/driving_force.h,
   * tcad_joule_field_limit): at E = 10 ∇φ (a transverse field on an oblique edge) the force is that
   * of E' = 1.25 ∇φ, and at E = 1.2 ∇φ that of E' = (1.2 − 0.2²/(4·0.25)) ∇φ = 1.16 ∇φ */
  const double lims[][2] = {{10.0, 1.25}, {1.2, 1.16}};
  worst = 0;
  for (int k = 0; k < 2; k++) {
    const double b = 1e5, a = lims[k][0] * b, ae = lims[k][1] * b;
    const double g2 = sqrt(1 + 4 * 0.0025) * pow(ae * b, 2) / sqrt(pow(ae * b, 2) + 0.0025 * pow(ae * ae + b * b, 2));
    worst = fmax(worst, fabs(tcad_driving_force_joule(a, b, 0.05, 0.0, dj) / sqrt(g2) - 1));
  }
  tap_check(worst < 1e-12, "driving_force.joule_field_limited_by_grad_phi", "worst relative difference %.2e", worst);
  tap_check(tcad_driving_force_joule(1e5, -1e4, 0.05, 10.0, dj) == 0.0 && dj[0] == 0.0 && dj[1] == 0.0,
            "driving_force.joule_zero_against_the_field", "%s", "F or its derivatives not 0");
  worst = 0;
  const double pts[][2] = {{1e5, 1e5}, {1e5, 3e3},   {2e3, 5e4},   {-7e4, -7.1e4},
                           {1e5, 2e2}, {30.0, 20.0}, {1.2e5, 1e5}, {-1.45e5, -1e5}};
  for (int k = 0; k < 8; k++) {
    const double a = pts[k][0], b = pts[k][1], ha = 1e-6 * fabs(a), hb = 1e-6 * fabs(b);
    tcad_driving_force_joule(a, b, 0.05, 10.0, dj);
    const double fa =
        (tcad_driving_force_joule(a + ha, b, 0.05, 10.0, dj2) - tcad_driving_force_joule(a - ha, b, 0.05, 10.0, dj2)) /
        (2 * ha);
    const double fb =
        (tcad_driving_force_joule(a, b + hb, 0.05, 10.0, dj2) - tcad_driving_force_joule(a, b - hb, 0.05, 10.0, dj2)) /
        (2 * hb);
    /* against the gradient's size: ∂F/∂a is 0 where the field is limited (x ≥ 1.5), and a
     * difference across x = 1.5 is off by the second derivative's jump there */
    worst = fmax(worst, fmax(fabs(dj[0] - fa), fabs(dj[1] - fb)) / (fabs(fa) + fabs(fb)));
  }
  tap_check(worst < 1e-6, "driving_force.joule_derivatives", "worst relative error %.2e", worst);
  /* the field parallel to the current, electrons: drift along E (ψ rising i→j, density uniform)
   * and diffusion up a density step against it */
  double de[3];
  const double vt_h = 0.025852 / 1e-6;
  const double drift = tcad_field_parallel(0, 5.0, 1e16, 1e16, vt_h, 1e-2, de);
  const double against = tcad_field_parallel(0, 2.0, 1e10, 1e16, vt_h, 1e-2, de);
  tap_check(fabs(drift / (5.0 * vt_h) - 1) < 1e-4 && against < 0, "driving_force.field_parallel_sign",
            "drift %.6g V/cm (|E| %.6g), against the field %.6g", drift, 5.0 * vt_h, against);
  worst = 0;
  const double fp[][3] = {{5.0, 1e16, 1e16}, {0.3, 1e16, 2e16}, {-1.0, 3e15, 1e15}, {2.0, 1e16, 1e10}};
  for (int k = 0; k < 4; k++) {
    double x[3] = {fp[k][0], fp[k][1], fp[k][2]};
    const double e0 = tcad_field_parallel(0, x[0], x[1], x[2], vt_h, 1e-2, de);
    for (int m = 0; m < 3; m++) {
      const double h = 1e-6 * fabs(x[m]), x0 = x[m];
      double tmp[3];
      x[m] = x0 + h;
      const double fp1 = tcad_field_parallel(0, x[0], x[1], x[2], vt_h, 1e-2, tmp);
      x[m] = x0 - h;
      const double fm1 = tcad_field_parallel(0, x[0], x[1], x[2], vt_h, 1e-2, tmp);
      x[m] = x0;
      const double fd = (fp1 - fm1) / (2 * h);
      /* relative to the natural scale of the derivative, E∥ per unit of the argument */
      worst = fmax(worst, fabs(de[m] - fd) * fabs(x[m]) / (fabs(e0) + vt_h));
    }
  }
  tap_check(worst < 1e-5, "driving_force.field_parallel_derivatives", "worst relative error %.2e", worst);
  return tap_exit();
}
