/* Scharfetter–Gummel edge fluxes (shared PHYSICS.md §1), dimensionless part only.
 * With Δ = (ψ_j − ψ_i)/V_T along the edge i→j:
 *   electrons  g_n = n_j B(Δ) − n_i B(−Δ),   A·J_n/q = μ_n V_T (A/h) · g_n
 *   holes      g_p = p_i B(Δ) − p_j B(−Δ),   A·J_p/q = μ_p V_T (A/h) · g_p
 * J is the current density flowing from i to j. Densities in any unit (the result has the
 * same unit). Each returns g and fills d[0] = ∂g/∂Δ, d[1] = ∂g/∂(density at i),
 * d[2] = ∂g/∂(density at j). */
#ifndef TCAD_PHYSICS_SG_H
#define TCAD_PHYSICS_SG_H
#include <math.h>

#include "kernels/physics/bernoulli.h"

TCAD_HD double tcad_sg_electron(double delta, double ni_, double nj, double d[3])
{
  double dbp, dbm;
  const double bp = tcad_bernoulli(delta, &dbp), bm = tcad_bernoulli(-delta, &dbm);
  d[0] = nj * dbp + ni_ * dbm;
  d[1] = -bm;
  d[2] = bp;
  return nj * bp - ni_ * bm;
}

TCAD_HD double tcad_sg_hole(double delta, double pi_, double pj, double d[3])
{
  double dbp, dbm;
  const double bp = tcad_bernoulli(delta, &dbp), bm = tcad_bernoulli(-delta, &dbm);
  d[0] = pi_ * dbp + pj * dbm;
  d[1] = bp;
  d[2] = -bm;
  return pi_ * bp - pj * bm;
}

/* The smooth sign s(r) = r/√(r² + ε²) of a flux with the Bernoulli form g = c₂ B(y) − c₁ B(−y):
 * r = g/m with m = c₂ B(y) + c₁ B(−y) the sum of its two one-way terms (r ∈ [−1, 1]); eps = ε.
 * d[0..2] = ∂s/∂(y, c₁, c₂). Any positive factor of the flux (mobility, the energy-balance
 * temperature mean Θ) cancels from r. */
TCAD_HD double tcad_flux_sign(double y, double c1, double c2, double eps, double d[3])
{
  double bp, bm;
  const double b1 = tcad_bernoulli(y, &bp), b2 = tcad_bernoulli(-y, &bm); /* dB(−y)/dy = −bm */
  const double g = c2 * b1 - c1 * b2, m = c2 * b1 + c1 * b2;
  const double dg[3] = {c2 * bp + c1 * bm, -b2, b1}, dm[3] = {c2 * bp - c1 * bm, b2, b1};
  double s = 0, ds_dr = 0, r = 0;
  if (m > 0) {
    r = g / m;
    const double q = sqrt(r * r + eps * eps);
    s = r / q, ds_dr = eps * eps / (q * q * q);
  }
  for (int k = 0; k < 3; k++) d[k] = m > 0 ? ds_dr * (dg[k] - r * dm[k]) / m : 0.0;
  return s;
}
#endif
