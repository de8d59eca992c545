/* The hot-carrier injection probabilities (kernels/physics/hotcarrier.h) against direct numerical
 * evaluations written here:
 * - the lucky-electron probability per length in a uniform field F against the integral it
 *   stands for (Tam, Ko and Hu 1984): (1/λ_r) ∫_φ^∞ (1/(λF)) e^(−ε/(λF)) · f(ε) dε, f(ε) the
 *   fraction of isotropic directions whose normal energy exceeds φ, itself integrated here over
 *   the polar angle (cos θ > √(φ/ε)); composite Simpson in long double;
 * - Fiegna's injected flux A ∫_φ^∞ ε^(3/2) exp(−χ ε³/F^(3/2)) dε by Simpson, over fields and
 *   barriers on both sides of the series/continued-fraction switch of Γ(5/6, u);
 * - the barrier: φ_0 − β√E − αE^(2/3) and the transmission e^(−x_m/λ_ox), x_m = β/(2√E), written
 *   out; the retarding branch φ_0 + |E| t_ox; the two equal at E = 0; β = √(q/(4π ε_∞ ε_0)) for
 *   ε_∞ = 2.15 is the 2.59e-4 (V cm)^½ of the defaults;
 * - the energy-balance drive: the effective field of the electron temperature grows with T_n and
 *   is 0 at the lattice temperature, so Fiegna's flux grows with T_n from exactly 0. */
#include <math.h>
#include <stdio.h>

#include "kernels/physics/constants.h"
#include "kernels/physics/hotcarrier.h"
#include "kernels/physics/impact.h"
#include "tap.h"

/* the fraction of isotropic directions with ε cos²θ > φ: (1/2)∫ sinθ dθ over cos θ > √(φ/ε),
 * by Simpson in θ */
static long double direction_fraction(long double eps, long double phi)
{
  if (eps <= phi) return 0.0L;
  const long double tmax = acosl(sqrtl(phi / eps));
  const int n = 64;
  long double s = 0.0L;
  for (int k = 0; k <= n; k++) {
    const long double t = tmax * k / n, w = (k == 0 || k == n) ? 1.0L : (k % 2 ? 4.0L : 2.0L);
    s += w * sinl(t);
  }
  return 0.5L * s * tmax / (3.0L * n);
}

static double lucky_quadrature(double F, double phi, double lambda, double lambda_r)
{
  const long double s = (long double)lambda * F; /* energy scale, eV */
  /* ε = φ + t² (dε = 2t dt): smooth where the direction fraction starts as √(ε − φ) */
  const long double top = sqrtl(80.0L * s);
  const int n = 6000;
  long double sum = 0.0L;
  for (int k = 0; k <= n; k++) {
    const long double t = top * k / n, e = phi + t * t, w = (k == 0 || k == n) ? 1.0L : (k % 2 ? 4.0L : 2.0L);
    sum += w * expl(-e / s) / s * direction_fraction(e, phi) * 2.0L * t;
  }
  return (double)(sum * top / (3.0L * n) / lambda_r);
}

static double fiegna_quadrature(double A, double chi, double F, double phi)
{
  const long double f15 = (long double)F * sqrtl(F), ub = chi * (long double)phi * phi * phi / f15;
  const long double top = cbrtl((ub + 80.0L) * f15 / chi);
  const int n = 400000;
  long double sum = 0.0L;
  for (int k = 0; k <= n; k++) {
    const long double e = phi + (top - phi) * k / n, w = (k == 0 || k == n) ? 1.0L : (k % 2 ? 4.0L : 2.0L);
    sum += w * e * sqrtl(e) * expl(-chi * e * e * e / f15);
  }
  return (double)(A * sum * (top - phi) / (3.0L * n));
}

int main(void)
{
  const double lam = 9.2e-7, lr = 6.2e-6;
  /* lucky electron: a = φ/(λF) from 0.3 to 100 */
  double worst = 0.0, wf = 0, wp = 0;
  const double Fs[] = {1e5, 2e5, 3e5, 5e5, 1e6, 3e6}, phis[] = {3.2, 2.8, 1.0, 0.3};
  for (int f = 0; f < 6; f++)
    for (int p = 0; p < 4; p++) {
      const double P = tcad_lucky_probability(Fs[f], phis[p], lam, lr), Q = lucky_quadrature(Fs[f], phis[p], lam, lr);
      const double r = fabs(P / Q - 1.0);
      if (r > worst) worst = r, wf = Fs[f], wp = phis[p];
    }
  tap_check(worst < 1e-9, "lucky.against_quadrature", "largest relative difference %.2e (F %.0e V/cm, φ %.1f eV)",
            worst, wf, wp);
  /* the closed form's limit: no barrier, every redirection injects half... of nothing lost:
   * (1/(2λ_r)) at φ = 0 */
  tap_check(fabs(tcad_lucky_probability(1e5, 0.0, lam, lr) * 2 * lr - 1) < 1e-15, "lucky.no_barrier",
            "P(φ=0) 2λ_r = %.17g", tcad_lucky_probability(1e5, 0.0, lam, lr) * 2 * lr);
  int mono = 1;
  for (double F = 5e4; F < 1e7; F *= 1.1)
    mono &= tcad_lucky_probability(F * 1.1, 3.2, lam, lr) > tcad_lucky_probability(F, 3.2, lam, lr);
  tap_check(mono && tcad_lucky_probability(0.0, 3.2, lam, lr) == 0.0 &&
                tcad_lucky_probability(-1e5, 3.2, lam, lr) == 0.0,
            "lucky.monotone", "P rises with F, 0 for F <= 0");
  /* ln P against 1/F: slope → −φ/λ at high a (the slope Hu's ln(I_g/I_d) against 1/E_m uses) */
  const double F1 = 1.5e5, F2 = 1.6e5;
  const double slope = (log(tcad_lucky_probability(F2, 3.2, lam, lr)) - log(tcad_lucky_probability(F1, 3.2, lam, lr))) /
                       (1 / F2 - 1 / F1);
  tap_check(fabs(slope / (-3.2 / lam) - 1) < 0.05, "lucky.slope",
            "d ln P / d(1/F) = %.4g V/cm, −φ/λ = %.4g (the prefactor 1/(2a) adds < 5 %% at a ≈ 22)", slope, -3.2 / lam);

  /* Fiegna */
  worst = 0.0;
  const double A = 4.87e2 * 100.0, chi = 1.3e8;
  const double Ff[] = {5e4, 1e5, 3e5, 1e6, 3e6}, pf[] = {0.0, 0.5, 1.5, 3.2};
  for (int f = 0; f < 5; f++)
    for (int p = 0; p < 4; p++) {
      const double v = tcad_fiegna_velocity(A, chi, Ff[f], pf[p]), q = fiegna_quadrature(A, chi, Ff[f], pf[p]);
      if (q < 1e-290) continue;
      const double r = fabs(v / q - 1.0);
      if (r > worst) worst = r, wf = Ff[f], wp = pf[p];
    }
  tap_check(worst < 1e-8, "fiegna.against_quadrature", "largest relative difference %.2e (F %.0e V/cm, φ %.1f eV)",
            worst, wf, wp);
  /* the closed form other simulators use (Genius-TCAD-Open's HCI_Integral_Fiegna_n, from the
   * same A and χ): A F^1.5/(3χ√φ) e^(−u), u = χφ³/F^1.5, the leading term of Γ(5/6, u) ≈
   * u^(−1/6) e^(−u) (1 − 1/(6u) + ...): the ratio is 1 − 1/(6u) to O(1/u²) */
  worst = 0.0;
  for (double u = 20; u <= 200; u *= 1.5) {
    const double phi = 3.2, F = pow(chi * phi * phi * phi / u, 2.0 / 3.0);
    const double closed = A / (3 * chi) * F * sqrt(F) / sqrt(phi) * exp(-u);
    const double r = fabs(tcad_fiegna_velocity(A, chi, F, phi) / closed - (1.0 - 1.0 / (6.0 * u))) * u * u;
    if (r > worst) worst = r, wf = u;
  }
  tap_check(worst < 1.0, "fiegna.large_barrier_closed_form",
            "|ratio − (1 − 1/(6u))| u² up to %.3g (u %.0f): the second term of the expansion is 7/(36u²)", worst, wf);
  /* the energy-balance drive: F_eff(T) = (3/2)(k/q)(T − T_L)/λ_E, then v(F_eff) */
  const double le = 1.07e7 * 0.3e-12;
  double dF, last = 0.0;
  mono = tcad_fiegna_velocity(A, chi, tcad_impact_field_from_temperature(300.0, 300.0, le, 1.0, 0.0, &dF), 3.2) == 0.0;
  for (double T = 400; T <= 6000; T += 200) {
    const double Fe = tcad_impact_field_from_temperature(T, 300.0, le, 1.0, 0.0, &dF);
    const double v = tcad_fiegna_velocity(A, chi, Fe, 3.2);
    mono &= (v > last || v == 0.0) && fabs(Fe / (1.5 * TCAD_KB_EV * (T - 300.0) / le) - 1) < 1e-14;
    last = v;
  }
  tap_check(mono && last > 0, "fiegna.grows_with_temperature", "0 at T_L, rising to %.3e cm/s at 6000 K", last);

  /* the barrier */
  double pox;
  const double beta = sqrt(TCAD_Q / (4 * 3.14159265358979323846 * 2.15 * TCAD_EPS0));
  tap_check(fabs(beta / 2.59e-4 - 1) < 1e-3, "barrier.beta_image_force", "√(q/(4π 2.15 ε0)) = %.5g (V cm)^1/2", beta);
  worst = 0.0;
  for (double E = 1e3; E < 1e7; E *= 1.7) {
    const double phi = tcad_hc_barrier(3.2, 2.59e-4, 3e-5, E, 5e-7, 3.2e-7, &pox);
    const double ref = 3.2 - 2.59e-4 * sqrt(E) - 3e-5 * pow(E, 2.0 / 3.0);
    const double xm = fmin(2.59e-4 / (2 * sqrt(E)), 5e-7), pref = exp(-xm / 3.2e-7);
    worst = fmax(worst, fmax(fabs(phi - fmax(ref, 0.0)), fabs(pox - pref)));
  }
  tap_check(worst < 1e-12, "barrier.attracting", "largest difference from the formula %.2e", worst);
  const double pr = tcad_hc_barrier(3.2, 2.59e-4, 3e-5, -2e6, 5e-7, 3.2e-7, &pox);
  tap_check(fabs(pr - (3.2 + 2e6 * 5e-7)) < 1e-12 && fabs(pox - exp(-5e-7 / 3.2e-7)) < 1e-15, "barrier.retarding",
            "φ %.4f eV (3.2 + |E| t_ox = 4.2), T_ox %.4f", pr, pox);
  double p0, pp;
  const double b0 = tcad_hc_barrier(3.2, 2.59e-4, 3e-5, 0.0, 5e-7, 3.2e-7, &p0);
  const double bp = tcad_hc_barrier(3.2, 2.59e-4, 3e-5, 1e-9, 5e-7, 3.2e-7, &pp);
  tap_check(fabs(b0 - bp) < 1e-6 && fabs(p0 - pp) < 1e-12, "barrier.continuous_at_zero",
            "φ %.8f / %.8f, T_ox %.8f / %.8f", b0, bp, p0, pp);
  tcad_hc_barrier(3.2, 2.59e-4, 3e-5, 1e6, 5e-7, 0.0, &pox);
  tap_check(pox == 1.0 && tcad_hc_barrier(3.2, 1e-2, 0.0, 1e6, 5e-7, 0.0, &pox) == 0.0, "barrier.limits",
            "no insulator scattering with λ_ox = 0; never below 0");
  return tap_exit();
}
